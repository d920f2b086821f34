package secret

// Marker returns the text that stands for a redacted value:
// "<redacted:REASON>". The format is part of every example's output.
func Marker(r Reason) string { return "<redacted:" + string(r) + ">" }
