// Package mdsafe makes text that came from users (titles, logins, bodies)
// safe to put into a comment the bot writes: it cannot mention anyone, open
// HTML, close the bot's own markup, or reorder or hide what surrounds it.
package mdsafe

import (
	"regexp"
	"strings"
	"unicode"
)

// Strip removes the characters a reader cannot see but that change what
// they see: bidirectional embeddings, overrides and isolates (U+202A-U+202E,
// U+2066-U+2069), which can make "@alice" read as "ecila@" or move text
// across the bot's own words; marks and zero-width characters
// (U+200B-U+200F, U+061C, U+2060-U+2064, U+FEFF); and the other format
// (Cf) and control (Cc) characters, except the tab and line breaks, which
// the callers handle. Emoji sequences joined by U+200D lose their joiner and
// show as their parts, a small price for text that reads as it is.
func Strip(s string) string {
	clean := true
	for _, r := range s {
		if invisible(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
}

func invisible(r rune) bool {
	switch r {
	case '\t', '\n', '\r':
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cc, r)
}

// Text escapes s for inline use in Markdown: HTML is neutralised, @mentions
// and #references cannot trigger notifications or links, and Markdown
// punctuation is escaped so a title cannot change the comment's layout.
func Text(s string) string {
	s = strings.Join(strings.Fields(Strip(s)), " ") // no newlines: one line stays one line
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			// A zero-width joiner after @ keeps it readable but stops GitHub
			// from resolving a mention.
			b.WriteString("@\u200d")
		case '\\', '`', '*', '_', '[', ']', '#', '|', '~', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var loginRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$`)

// ValidLogin reports whether s has the shape of a GitHub login.
func ValidLogin(s string) bool { return loginRe.MatchString(s) }

// Mention renders @login for a login the bot chose on purpose (a mentee, a
// mentor, a suggested reviewer). Anything that is not a valid login is
// escaped instead, so untrusted input can never become a mention.
func Mention(login string) string {
	if !ValidLogin(login) {
		return Text(login)
	}
	return "@" + login
}

// Code renders s as inline code, which GitHub never turns into mentions.
func Code(s string) string {
	s = strings.Join(strings.Fields(Strip(s)), " ")
	n := 1
	for strings.Contains(s, strings.Repeat("`", n)) {
		n++
	}
	fence := strings.Repeat("`", n)
	return fence + " " + s + " " + fence
}
