// Package secret tells secrets from other strings: environment entries
// (NAME=VALUE), command-line arguments and free-standing values. It reads
// nothing; package environ applies it to processes.
//
// [Classify] says whether NAME=VALUE holds a secret and returns a [Reason]
// such as "aws-access-key-id", "url-password" or "password" (the empty
// Reason means no secret). [ClassifyValue] does the same for a string
// without a name. [ClassifyArgs] finds the arguments of a command line that
// hold secrets, and [RedactArgs] replaces them with [Marker]'s
// "<redacted:REASON>", the format every procscope output uses.
//
// # What is detected
//
// Value shapes, whatever the name: the published token formats of cloud,
// source-hosting, chat, payment and AI services (a prefix, an alphabet, a
// length), JWTs, PEM and PuTTY private keys, URLs with a password or a
// token as the user, connection strings and query strings with a password
// field, Bearer and Basic authorization values, JSON documents with a
// credential field (a Docker config, a GCP service-account key).
//
// Names: words such as PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY and
// CREDENTIALS make the value secret when it looks like a credential (for a
// password, when it is not trivial); weaker hints (KEY, AUTH, SALT, ...)
// need a long, high-entropy value. Names are split into words at '_', '-',
// '.' and camelCase humps, so DB_PASSWORD, db-password, dbPassword and
// spring.datasource.password read alike.
//
// # What is deliberately not flagged
//
// A name ending in a word that describes a secret rather than holding it
// (PASSWORD_MIN_LENGTH, TOKEN_URL, SECRET_NAME, KEY_FILE, API_KEY_ID);
// values that cannot be the credential itself (paths, URLs without
// credentials, host names, numbers, durations, booleans, placeholders such
// as ${VAR}, <your-token>, ******); high-entropy values under names that say
// nothing about credentials (commit hashes, UUIDs, build IDs): flagging
// every random string would bury the real findings. Public keys and
// certificates are not secrets.
//
// # Concurrency
//
// Every function is safe for concurrent use: the package holds no state
// beyond read-only tables built at init. Inputs may hold any bytes,
// invalid UTF-8 included.
package secret
