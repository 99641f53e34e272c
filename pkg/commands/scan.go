package commands

import (
	"strings"

	"github.com/thanos-community/mentorbot/pkg/mdblock"
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
		fence     mdblock.Fence // the open fence, if any
		inComment bool          // inside an HTML comment spanning lines
		inQuote   bool          // the previous line belonged to a block quote paragraph
		prevText  bool          // the previous line was paragraph text
	)
	for i, line := range strings.Split(body, "\n") {
		n := i + 1
		if fence.Open() {
			if fence.ClosedBy(line) {
				fence = mdblock.Fence{}
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

		indent, rest := mdblock.SplitIndent(line)
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

// openFence reports whether rest (a line without its indentation) opens a
// fenced code block, also directly after a list item marker ("- ```").
func openFence(rest string) (mdblock.Fence, bool) {
	for range 4 { // a few nested list markers at most
		if f, _, ok := mdblock.FenceAt(rest); ok {
			return f, true
		}
		after, ok := mdblock.CutListMarker(rest)
		if !ok {
			return mdblock.Fence{}, false
		}
		rest = strings.TrimLeft(after, " \t")
	}
	return mdblock.Fence{}, false
}

// interruptsParagraph reports whether a line starts a new block instead of
// continuing the paragraph before it (enough for lazy quote continuation).
func interruptsParagraph(rest string) bool {
	if isHeading(rest) || mdblock.IsThematicBreak(rest) {
		return true
	}
	if _, ok := mdblock.CutListMarker(rest); ok {
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
