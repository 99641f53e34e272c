// Package mdsafe makes text that came from users (titles, logins, bodies)
// safe to put into a comment the bot writes: it cannot mention anyone, open
// HTML, or close the bot's own markup.
package mdsafe

import (
	"regexp"
	"strings"
)

// Text escapes s for inline use in Markdown: HTML is neutralised, @mentions
// and #references cannot trigger notifications or links, and Markdown
// punctuation is escaped so a title cannot change the comment's layout.
func Text(s string) string {
	s = strings.Join(strings.Fields(s), " ") // no newlines: one line stays one line
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
	s = strings.Join(strings.Fields(s), " ")
	n := 1
	for strings.Contains(s, strings.Repeat("`", n)) {
		n++
	}
	fence := strings.Repeat("`", n)
	return fence + " " + s + " " + fence
}
