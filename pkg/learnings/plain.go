package learnings

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	imageRe    = regexp.MustCompile(`!\[([^\]]*)\]\(([^)\s]*)[^)]*\)`)
	linkRe     = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)[^)]*\)`)
	autolinkRe = regexp.MustCompile(`<(https?://[^>\s]+)>`)
	tagRe      = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>`)
	strongRe   = regexp.MustCompile(`(\*\*|__|~~)`)
	emRe       = regexp.MustCompile(`(^|[\s(\[])[*_]([^*_\s](?:[^*_]*[^*_\s])?)[*_]($|[\s).,!?:;\]])`)
	escapeRe   = regexp.MustCompile("\\\\([!-/:-@\\[-`{-~])")
)

// plain turns an item's inline Markdown into plain text for an e-mail:
// links become "text (url)", emphasis, code backticks and HTML tags are
// removed, entities and backslash escapes are resolved, and white space is
// collapsed. Emoji are kept.
func plain(s string) string {
	s = imageRe.ReplaceAllString(s, "$1")
	s = linkRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := linkRe.FindStringSubmatch(m)
		if sub[1] == sub[2] {
			return sub[2]
		}
		return sub[1] + " (" + sub[2] + ")"
	})
	s = autolinkRe.ReplaceAllString(s, "$1")
	s = tagRe.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "`", "")
	s = strongRe.ReplaceAllString(s, "")
	for range 2 { // adjacent matches share a boundary
		s = emRe.ReplaceAllString(s, "$1$2$3")
	}
	s = escapeRe.ReplaceAllString(s, "$1")
	s = html.UnescapeString(s)
	// Entities may spell an HTML comment; keep the bot's markers unforgeable.
	s = strings.ReplaceAll(s, "<!--", "<!- -")
	return strings.Join(strings.Fields(s), " ")
}

// wrap breaks text into lines of at most width characters (longer words,
// such as links, stay whole). The first line starts with first, the others
// with rest.
func wrap(text string, width int, first, rest string) string {
	var (
		b      strings.Builder
		line   = first
		prefix = first
	)
	for _, w := range strings.Fields(text) {
		if line != prefix && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line, prefix = rest, rest
		}
		if line != prefix {
			line += " "
		}
		line += w
	}
	b.WriteString(strings.TrimRight(line, " ") + "\n")
	return b.String()
}
