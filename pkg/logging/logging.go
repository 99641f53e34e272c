// Package logging builds the process logger from the --log.level and
// --log.format flags. zerolog writes JSON; for logfmt a writer re-encodes each
// JSON line, keeping the keys in the order zerolog wrote them, so the log
// calls throughout the code stay the same whichever format an operator picks.
package logging

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/rs/zerolog"
)

// Levels and Formats are the accepted flag values, in the order help lists them.
var (
	Levels  = []string{"debug", "info", "warn", "error"}
	Formats = []string{"json", "logfmt"}
)

// New returns a logger writing to w at level in format ("json" or "logfmt").
func New(w io.Writer, level, format string) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		return zerolog.Nop(), fmt.Errorf("log level %q: want one of %s", level, strings.Join(Levels, ", "))
	}
	switch format {
	case "json":
	case "logfmt":
		w = &logfmtWriter{out: w}
	default:
		return zerolog.Nop(), fmt.Errorf("log format %q: want one of %s", format, strings.Join(Formats, ", "))
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

// logfmtWriter turns each JSON object zerolog writes (one per Write) into
// one logfmt line.
type logfmtWriter struct {
	mu  sync.Mutex
	out io.Writer
}

func (l *logfmtWriter) Write(p []byte) (int, error) {
	line, err := Logfmt(p)
	if err != nil {
		// Never lose a line: pass through what could not be re-encoded.
		line = p
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.out.Write(line); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Logfmt re-encodes one JSON object as a logfmt line ending in a newline.
// Nested objects and arrays become their compact JSON text, quoted.
func Logfmt(obj []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var b bytes.Buffer
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(key)
		b.WriteByte('=')
		b.WriteString(logfmtValue(raw))
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func logfmtValue(raw json.RawMessage) string {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return quoteIfNeeded(s)
	}
	if len(raw) > 0 && (raw[0] == '{' || raw[0] == '[') {
		var c bytes.Buffer
		if json.Compact(&c, raw) == nil {
			return strconv.Quote(c.String())
		}
	}
	return string(raw) // numbers, true, false, null
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " =\"\\") || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return strconv.Quote(s)
	}
	return s
}
