package commands

import (
	"strings"
)

// scanLines calls fn for every line of body that a reader sees as a line of
// ordinary text starting with '/', with the line's indentation removed. It
// follows just enough of CommonMark to skip what GitHub does not show as
// text: fenced code blocks (``` or ~~~, with info strings; an unclosed fence
// runs to the end), indented code blocks, block quotes including their lazy
// continuation lines, and HTML comments.
//
// One simplification errs on the side of ignoring: an HTML comment opener
// (<!--) inside an inline code span still hides the following lines.
func scanLines(body string, fn func(n int, line string)) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")

	var (
		fence     fence // the open fence, if any
		inComment bool  // inside an HTML comment spanning lines
		inQuote   bool  // the previous line belonged to a block quote paragraph
		prevText  bool  // the previous line was paragraph text
	)
	for i, line := range strings.Split(body, "\n") {
		n := i + 1
		if fence.open() {
			if fence.closedBy(line) {
				fence = noFence
			}
			continue
		}
		if inComment {
			end := strings.Index(line, "-->")
			if end < 0 {
				continue
			}
			inComment = commentOpenAtEnd(line[end+3:])
			prevText = true
			continue
		}

		indent, rest := splitIndent(line)
		if strings.TrimSpace(rest) == "" {
			inQuote, prevText = false, false
			continue
		}
		if indent >= 4 {
			// Indented code, unless it continues a paragraph (indented code
			// cannot interrupt one). Either way it is not a command: a command
			// has at most three spaces before it.
			if prevText && !inQuote {
				inComment = commentOpenAtEnd(rest)
			}
			continue
		}
		if strings.HasPrefix(rest, ">") {
			// Quoted text is someone else's words. Comments and fences inside
			// a quote end with it, so they need no tracking.
			inQuote, prevText = true, true
			continue
		}
		if f, ok := openFence(rest); ok {
			fence = f
			inQuote, prevText = false, false
			continue
		}
		if inQuote && !interruptsParagraph(rest) {
			// A lazy continuation line: GitHub shows it inside the quote.
			continue
		}
		inQuote = false
		if strings.HasPrefix(rest, "<!--") {
			inComment = commentOpenAtEnd(rest)
			prevText = false
			continue
		}
		if strings.HasPrefix(rest, "/") {
			fn(n, rest)
		}
		inComment = commentOpenAtEnd(rest)
		prevText = !isHeading(rest)
	}
}

// fence is an open fenced code block.
type fence struct {
	char byte
	n    int
}

var noFence fence

func (f fence) open() bool { return f.n > 0 }

// closedBy reports whether line closes the fence: at most three spaces, then
// at least as many of the same character, then only white space.
func (f fence) closedBy(line string) bool {
	indent, rest := splitIndent(line)
	if indent >= 4 {
		return false
	}
	k := 0
	for k < len(rest) && rest[k] == f.char {
		k++
	}
	return k >= f.n && strings.TrimSpace(rest[k:]) == ""
}

// openFence reports whether rest (a line without its indentation) opens a
// fenced code block, also directly after a list item marker ("- ```").
func openFence(rest string) (fence, bool) {
	for range 4 { // a few nested list markers at most
		if f, ok := fenceAt(rest); ok {
			return f, true
		}
		after, ok := cutListMarker(rest)
		if !ok {
			return noFence, false
		}
		rest = strings.TrimLeft(after, " \t")
	}
	return noFence, false
}

func fenceAt(s string) (fence, bool) {
	if s == "" || (s[0] != '`' && s[0] != '~') {
		return noFence, false
	}
	c := s[0]
	k := 0
	for k < len(s) && s[k] == c {
		k++
	}
	if k < 3 {
		return noFence, false
	}
	// A backtick fence's info string may not contain backticks (otherwise
	// it is inline code).
	if c == '`' && strings.Contains(s[k:], "`") {
		return noFence, false
	}
	return fence{char: c, n: k}, true
}

// cutListMarker removes a bullet (-, *, +) or ordered (1. or 1)) list marker
// followed by white space.
func cutListMarker(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	i := 0
	switch s[0] {
	case '-', '*', '+':
		i = 1
	default:
		for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i >= len(s) || (s[i] != '.' && s[i] != ')') {
			return "", false
		}
		i++
	}
	if i < len(s) && s[i] != ' ' && s[i] != '\t' {
		return "", false
	}
	return s[i:], true
}

// interruptsParagraph reports whether a line starts a new block instead of
// continuing the paragraph before it (enough for lazy quote continuation).
func interruptsParagraph(rest string) bool {
	if isHeading(rest) || isThematicBreak(rest) {
		return true
	}
	if _, ok := cutListMarker(rest); ok {
		return true
	}
	return strings.HasPrefix(rest, "<")
}

func isHeading(rest string) bool {
	k := 0
	for k < len(rest) && rest[k] == '#' {
		k++
	}
	return k >= 1 && k <= 6 && (k == len(rest) || rest[k] == ' ' || rest[k] == '\t')
}

func isThematicBreak(rest string) bool {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, rest)
	if len(s) < 3 {
		return false
	}
	return strings.Count(s, s[:1]) == len(s) && (s[0] == '-' || s[0] == '*' || s[0] == '_')
}

// splitIndent returns the indentation width of line (tabs to the next
// multiple of four) and the line without it.
func splitIndent(line string) (int, string) {
	w := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			w++
		case '\t':
			w += 4 - w%4
		default:
			return w, line[i:]
		}
	}
	return w, ""
}

// commentOpenAtEnd reports whether s leaves an HTML comment open at its end.
func commentOpenAtEnd(s string) bool {
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			return false
		}
		s = s[i+4:]
		// "<!-->" and "<!--->" are complete, empty comments.
		if strings.HasPrefix(s, ">") || strings.HasPrefix(s, "->") {
			continue
		}
		j := strings.Index(s, "-->")
		if j < 0 {
			return true
		}
		s = s[j+3:]
	}
}
