// Package markers reads and writes the hidden HTML markers that make every
// comment the bot writes idempotent: `<!-- mentorbot:KIND:KEY -->`. GitHub is
// the system of record; before writing, a job looks for its marker.
package markers

import (
	"regexp"
	"strings"
)

// Marker identifies one thing the bot wrote.
type Marker struct {
	Kind string
	Key  string
	// Data is an optional payload after a space, used e.g. by the digest to
	// carry last week's figures: `<!-- mentorbot:digest:2026-W48 prs=3 -->`.
	Data string
}

// String renders the marker as an HTML comment, invisible on GitHub.
func (m Marker) String() string {
	s := "<!-- mentorbot:" + m.Kind
	if m.Key != "" {
		s += ":" + m.Key
	}
	if m.Data != "" {
		s += " " + sanitize(m.Data)
	}
	return s + " -->"
}

// New returns the marker string for kind and key.
func New(kind, key string) string { return Marker{Kind: kind, Key: key}.String() }

// sanitize keeps "--", angle brackets and newlines out of the data, so the
// HTML comment cannot end early, stays on one line and parses back.
func sanitize(s string) string {
	s = strings.NewReplacer("<", "", ">", "").Replace(s)
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "- -")
	}
	return strings.Join(strings.Fields(s), " ")
}

var re = regexp.MustCompile(`<!-- mentorbot:([a-z0-9-]+)(?::([^\s]*))?(?: ([^>]*?))? -->`)

// Parse returns every marker in body, in order.
func Parse(body string) []Marker {
	var out []Marker
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, Marker{Kind: m[1], Key: m[2], Data: m[3]})
	}
	return out
}

// Find returns the first marker of kind in body (any key), or false.
func Find(body, kind string) (Marker, bool) {
	for _, m := range Parse(body) {
		if m.Kind == kind {
			return m, true
		}
	}
	return Marker{}, false
}

// Has reports whether body carries the marker kind:key.
func Has(body, kind, key string) bool {
	for _, m := range Parse(body) {
		if m.Kind == kind && m.Key == key {
			return true
		}
	}
	return false
}
