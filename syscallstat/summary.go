package syscallstat

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ABI tells the native system call table of the tracer's GOARCH from the
// 32-bit compat table the same kernel also runs (i386 on amd64, arm on
// arm64). Their numbers differ, so their counts are kept apart.
type ABI uint8

const (
	Native ABI = iota // the ABI of GOARCH (x86_64 or aarch64)
	Compat            // the 32-bit ABI: i386 on amd64, arm on arm64
)

// String returns "native" or "compat".
func (a ABI) String() string {
	switch a {
	case Native:
		return "native"
	case Compat:
		return "compat"
	}
	return "abi(" + strconv.Itoa(int(a)) + ")"
}

// Counts are the totals of one system call.
type Counts struct {
	Calls  uint64        // calls that returned (counted at their exit, as strace does)
	Errors uint64        // calls that returned a value in -4095..-1
	Time   time.Duration // summed time in the call (see [Options.WallClock])
}

// Add returns the sum of c and o.
func (c Counts) Add(o Counts) Counts {
	return Counts{Calls: c.Calls + o.Calls, Errors: c.Errors + o.Errors, Time: c.Time + o.Time}
}

// Row holds the counts of one system call.
type Row struct {
	Name   string // strace's name, or syscall_NNN for unknown numbers
	Number int
	ABI    ABI
	Counts
}

// Table is a list of rows, one per system call and ABI, in (ABI, Number)
// order unless sorted otherwise.
type Table []Row

// Total returns the sum of all rows.
func (t Table) Total() Counts {
	var c Counts
	for _, r := range t {
		c = c.Add(r.Counts)
	}
	return c
}

// Lookup returns the row of name in abi; ok is false if there is none.
func (t Table) Lookup(abi ABI, name string) (r Row, ok bool) {
	for _, r := range t {
		if r.ABI == abi && r.Name == name {
			return r, true
		}
	}
	return Row{}, false
}

// Summary is the result of a trace.
type Summary struct {
	Syscalls  Table            // every traced thread of every traced process
	Processes []ProcessSummary // per process, in PID order
	// Exit is the end of the launched command (see [Start]); zero for an
	// attached process or a command that was detached from.
	Exit Exit
	// Lost is what the eBPF backend could not count (zero with ptrace).
	Lost Lost
}

// ProcessSummary holds the counts of one process (thread group).
type ProcessSummary struct {
	PID      int
	Syscalls Table
	Threads  []ThreadSummary // in TID order
}

// ThreadSummary holds the counts of one thread. A thread that ran execve
// in a multi-threaded process takes over the process ID as its TID (the
// kernel does so) and keeps its counts; the old leader's counts stay in a
// row of their own with the same TID.
type ThreadSummary struct {
	TID      int
	Syscalls Table
}

// Exit is how the launched command ended.
type Exit struct {
	Exited   bool           // the process ended and was reaped by the tracer
	Code     int            // exit code, when Signal is 0
	Signal   syscall.Signal // the signal that killed it, or 0
	CoreDump bool
}

// ExitCode returns the status a shell reports: Code, or 128+Signal.
func (e Exit) ExitCode() int {
	if e.Signal != 0 {
		return 128 + int(e.Signal)
	}
	return e.Code
}

// SortKey orders the rows of [WriteSummary] as strace's -S option does.
type SortKey uint8

const (
	SortTime    SortKey = iota // descending time (strace's default)
	SortCalls                  // descending calls
	SortErrors                 // descending errors
	SortName                   // ascending name
	SortNothing                // syscall number order
)

// ParseSortKey accepts the names strace's -S accepts: time (time_total,
// total_time, ...), calls (count), errors (error), name (syscall,
// syscall_name) and nothing (none).
func ParseSortKey(s string) (SortKey, error) {
	switch s {
	case "time", "time_percent", "time-percent", "time_total", "time-total", "total_time", "total-time":
		return SortTime, nil
	case "calls", "count":
		return SortCalls, nil
	case "error", "errors":
		return SortErrors, nil
	case "name", "syscall", "syscall_name", "syscall-name":
		return SortName, nil
	case "nothing", "none":
		return SortNothing, nil
	}
	return 0, fmt.Errorf("syscallstat: invalid sort key %q", s)
}

// WriteSummary writes t laid out exactly as strace -c lays out its summary:
// the native table first, then, if any compat call was counted, the compat
// table after the line "System call usage summary for 32 bit mode:". Rows
// are sorted by key; ties keep syscall number order, as strace's stable
// sort does. Rows with zero calls are left out.
func WriteSummary(w io.Writer, t Table, key SortKey) error {
	bw := bufio.NewWriter(w)
	var native, compat Table
	for _, r := range t {
		if r.Calls == 0 {
			continue
		}
		if r.ABI == Compat {
			compat = append(compat, r)
		} else {
			native = append(native, r)
		}
	}
	if len(native) > 0 || len(compat) == 0 {
		writeTable(bw, native, key)
	}
	if len(compat) > 0 {
		bw.WriteString("System call usage summary for 32 bit mode:\n")
		writeTable(bw, compat, key)
	}
	return bw.Flush()
}

func sortRows(t Table, key SortKey) {
	slices.SortStableFunc(t, func(a, b Row) int { return cmp.Compare(a.Number, b.Number) })
	switch key {
	case SortTime:
		slices.SortStableFunc(t, func(a, b Row) int { return cmp.Compare(b.Time, a.Time) })
	case SortCalls:
		slices.SortStableFunc(t, func(a, b Row) int { return cmp.Compare(b.Calls, a.Calls) })
	case SortErrors:
		slices.SortStableFunc(t, func(a, b Row) int { return cmp.Compare(b.Errors, a.Errors) })
	case SortName:
		slices.SortStableFunc(t, func(a, b Row) int { return strings.Compare(a.Name, b.Name) })
	}
}

// seconds converts d as strace's ts_float does.
func seconds(d time.Duration) float64 { return float64(d) / 1e9 }

func writeTable(w *bufio.Writer, t Table, key SortKey) {
	t = slices.Clone(t)
	sortRows(t, key)
	var total Counts
	nameMax, avgMax := 0, time.Duration(0)
	for _, r := range t {
		total = total.Add(r.Counts)
		nameMax = max(nameMax, len(r.Name))
		avgMax = max(avgMax, r.Time/time.Duration(r.Calls))
	}
	totalSec := seconds(total.Time)
	// Column widths: strace keeps its historical widths and widens a column
	// only when a value needs more room.
	wPct := 6
	wSec := max(11, len(strconv.FormatFloat(totalSec, 'f', 6, 64)))
	wAvg := max(11, len(strconv.FormatUint(uint64(seconds(avgMax)*1e6), 10)))
	wCalls := max(9, len(strconv.FormatUint(total.Calls, 10)))
	wErr := max(9, len(strconv.FormatUint(total.Errors, 10)))
	wName := max(16, nameMax+1)

	fmt.Fprintf(w, "%*s %*s %*s %*s %*s %s\n", wPct, "% time", wSec, "seconds", wAvg, "usecs/call",
		wCalls, "calls", wErr, "errors", "syscall")
	dashes := func() {
		for i, n := range []int{wPct, wSec, wAvg, wCalls, wErr, wName} {
			if i > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(strings.Repeat("-", n))
		}
		w.WriteByte('\n')
	}
	dashes()
	for _, r := range t {
		sec := seconds(r.Time)
		pct := 100 * sec
		if pct != 0 {
			pct /= totalSec
		}
		avg := uint64(seconds(r.Time/time.Duration(r.Calls)) * 1e6)
		fmt.Fprintf(w, "%*.2f %*.6f %*d %*d %*s %s\n", wPct, pct, wSec, sec, wAvg, avg,
			wCalls, r.Calls, wErr, errorsField(r.Errors), r.Name)
	}
	dashes()
	var avg uint64
	if total.Calls > 0 {
		avg = uint64(totalSec / float64(total.Calls) * 1e6)
	}
	fmt.Fprintf(w, "%*.2f %*.6f %*d %*d %*s %s\n", wPct, 100.0, wSec, totalSec, wAvg, avg,
		wCalls, total.Calls, wErr, errorsField(total.Errors), "total")
}

// errorsField prints as strace's "%.0lu": nothing for zero.
func errorsField(n uint64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatUint(n, 10)
}

// ErrParse is matched (with errors.Is) by every error of [ParseSummary].
var ErrParse = errors.New("syscallstat: parse error")

// ParseError names the line of strace -c output that did not parse.
type ParseError struct {
	Line  int    // 1-based
	Value string // the offending line
	Err   error
}

// Error names the line of the summary that could not be parsed.
func (e *ParseError) Error() string {
	return fmt.Sprintf("strace summary: line %d %q: %v", e.Line, e.Value, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrParse].
func (e *ParseError) Is(target error) bool { return target == ErrParse }

// ParseSummary reads the summary tables of strace -c (or [WriteSummary])
// from b, skipping any other lines around them (the traced program's output,
// strace's messages). A table after "System call usage summary for 32 bit
// mode:" is read as [Compat]. Times keep the microsecond precision strace
// prints; Number is -1 as the text does not carry it. It is an error if no
// table is found, a row does not parse, or the total row does not match the
// sum of the rows.
func ParseSummary(b []byte) (Table, error) {
	var (
		t      Table
		abi    = Native
		state  int // 0 outside, 1 after header, 2 in rows, 3 after closing dashes
		sum    Counts
		tables int
	)
	lines := bytes.Split(b, []byte("\n"))
	for i, lb := range lines {
		line := string(lb)
		perr := func(err error) (Table, error) {
			return nil, &ParseError{Line: i + 1, Value: line, Err: err}
		}
		switch state {
		case 0:
			if line == "System call usage summary for 32 bit mode:" {
				abi = Compat
			} else if f := strings.Fields(line); len(f) == 7 && f[0] == "%" && f[1] == "time" && f[6] == "syscall" {
				state = 1
			}
		case 1:
			if !isDashes(line) {
				return perr(errors.New("want dashes under the header"))
			}
			state, sum = 2, Counts{}
		case 2:
			if isDashes(line) {
				state = 3
				continue
			}
			r, err := parseRow(line)
			if err != nil {
				return perr(err)
			}
			r.ABI = abi
			if r.Name == "total" {
				return perr(errors.New("total row before the closing dashes"))
			}
			sum = sum.Add(r.Counts)
			t = append(t, r)
		case 3:
			r, err := parseRow(line)
			if err != nil {
				return perr(err)
			}
			if r.Name != "total" {
				return perr(errors.New("want the total row"))
			}
			if r.Calls != sum.Calls || r.Errors != sum.Errors {
				return perr(fmt.Errorf("total %d calls %d errors, rows sum to %d calls %d errors",
					r.Calls, r.Errors, sum.Calls, sum.Errors))
			}
			state, abi = 0, Native
			tables++
		}
	}
	if state != 0 {
		return nil, &ParseError{Line: len(lines), Err: errors.New("truncated table")}
	}
	if tables == 0 {
		return nil, &ParseError{Line: len(lines), Err: errors.New("no summary table")}
	}
	return t, nil
}

func isDashes(s string) bool {
	if s == "" {
		return false
	}
	for _, f := range strings.Fields(s) {
		if strings.Trim(f, "-") != "" {
			return false
		}
	}
	return true
}

// parseRow reads "% seconds usecs calls [errors] name".
func parseRow(line string) (Row, error) {
	f := strings.Fields(line)
	if len(f) != 5 && len(f) != 6 {
		return Row{}, fmt.Errorf("%d fields, want 5 or 6", len(f))
	}
	if _, err := strconv.ParseFloat(f[0], 64); err != nil {
		return Row{}, fmt.Errorf("percent: %w", err)
	}
	sec, err := parseMicros(f[1])
	if err != nil {
		return Row{}, fmt.Errorf("seconds: %w", err)
	}
	if _, err := strconv.ParseUint(f[2], 10, 64); err != nil {
		return Row{}, fmt.Errorf("usecs/call: %w", err)
	}
	calls, err := strconv.ParseUint(f[3], 10, 64)
	if err != nil {
		return Row{}, fmt.Errorf("calls: %w", err)
	}
	var errs uint64
	if len(f) == 6 {
		if errs, err = strconv.ParseUint(f[4], 10, 64); err != nil {
			return Row{}, fmt.Errorf("errors: %w", err)
		}
		if errs == 0 {
			return Row{}, errors.New("errors: zero is printed blank")
		}
	}
	name := f[len(f)-1]
	if calls == 0 || errs > calls {
		return Row{}, fmt.Errorf("%d calls with %d errors", calls, errs)
	}
	return Row{Name: name, Number: -1, Counts: Counts{Calls: calls, Errors: errs, Time: sec}}, nil
}

// parseMicros parses "S.UUUUUU" exactly (no float rounding).
func parseMicros(s string) (time.Duration, error) {
	ip, fp, ok := strings.Cut(s, ".")
	if !ok || len(fp) != 6 {
		return 0, errors.New("want six decimals")
	}
	i, err := strconv.ParseUint(ip, 10, 32)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseUint(fp, 10, 32)
	if err != nil {
		return 0, err
	}
	return time.Duration(i)*time.Second + time.Duration(f)*time.Microsecond, nil
}

// Sorted returns a copy of t sorted as [WriteSummary] sorts a table: by key,
// ties in (ABI, Number) order.
func Sorted(t Table, key SortKey) Table {
	t = slices.Clone(t)
	slices.SortStableFunc(t, func(a, b Row) int { return cmp.Or(cmp.Compare(a.ABI, b.ABI), cmp.Compare(a.Number, b.Number)) })
	sortRows(t, key)
	return t
}
