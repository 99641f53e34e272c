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
// continuation lines, HTML comments, and open HTML elements (see htmlBlock).
//
// Two simplifications err on the side of ignoring: an HTML comment opener
// (<!--) inside an inline code span still hides the following lines, and
// everything inside an HTML element such as <details> is ignored up to its
// closing tag, even Markdown that GitHub shows after a blank line there.
func scanLines(body string, fn func(n int, line string)) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")

	var (
		fence     mdblock.Fence // the open fence, if any
		inComment bool          // inside an HTML comment spanning lines
		html      htmlBlock     // the open HTML element, if any
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
		if html.open() {
			html.next(line)
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
		if h, ok := openHTML(rest, prevText); ok {
			html = h
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

// htmlBlock is an open HTML element or raw block (comments are tracked
// apart, since they may also open mid-line). Commands inside one are not
// commands: <pre> shows them as code, <details> hides them, <script> and
// the like are not shown. A tag alone on its line (an <img> GitHub inserts
// for a pasted screenshot, a <br>, a closed <div>) opens nothing: the text
// on the lines after it is shown as text, and a command there counts.
type htmlBlock struct {
	// end is the text that ends a <pre>, <script>, <style> or <textarea>
	// block, a processing instruction, a declaration or CDATA, in lower
	// case; the line that holds it is the last.
	end string
	// tag names an element whose closing tag is awaited, depth of them
	// being open.
	tag   string
	depth int
}

func (h *htmlBlock) open() bool { return h.end != "" || h.tag != "" }

// next consumes one line inside the block and closes the block when the line
// ends it.
func (h *htmlBlock) next(line string) {
	switch {
	case h.end != "":
		if strings.Contains(strings.ToLower(line), h.end) {
			*h = htmlBlock{}
		}
	case h.tag != "":
		h.count(line)
	}
}

// count follows the opening and closing tags of h.tag on a line.
func (h *htmlBlock) count(line string) {
	opens, closes := countTag(strings.ToLower(line), h.tag)
	h.depth += opens - closes
	if h.depth <= 0 {
		*h = htmlBlock{}
	}
}

// Elements whose content is raw text: their block ends at the closing tag,
// blank lines included (CommonMark's first kind of HTML block).
var rawElements = []string{"pre", "script", "style", "textarea"}

// Void elements have no closing tag to wait for.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true,
}

// blockElements start an HTML block even in the middle of a paragraph
// (CommonMark's sixth kind).
var blockElements = map[string]bool{
	"address": true, "article": true, "aside": true, "base": true, "basefont": true, "blockquote": true,
	"body": true, "caption": true, "center": true, "col": true, "colgroup": true, "dd": true,
	"details": true, "dialog": true, "dir": true, "div": true, "dl": true, "dt": true, "fieldset": true,
	"figcaption": true, "figure": true, "footer": true, "form": true, "frame": true, "frameset": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "head": true, "header": true,
	"hr": true, "html": true, "iframe": true, "legend": true, "li": true, "link": true, "main": true,
	"menu": true, "menuitem": true, "nav": true, "noframes": true, "ol": true, "optgroup": true,
	"option": true, "p": true, "param": true, "search": true, "section": true, "summary": true,
	"table": true, "tbody": true, "td": true, "tfoot": true, "th": true, "thead": true, "title": true,
	"tr": true, "track": true, "ul": true,
}

// openHTML reports whether rest (a line without its indentation) starts an
// HTML block, and returns the block still open after that line.
func openHTML(rest string, prevText bool) (htmlBlock, bool) {
	if !strings.HasPrefix(rest, "<") {
		return htmlBlock{}, false
	}
	lower := strings.ToLower(rest)
	for _, name := range rawElements {
		if tagAt(lower, 1, name) {
			h := htmlBlock{end: "</" + name + ">"}
			h.next(lower[1+len(name):])
			return h, true
		}
	}
	for _, k := range []struct{ start, end string }{{"<![cdata[", "]]>"}, {"<?", "?>"}} {
		if strings.HasPrefix(lower, k.start) {
			h := htmlBlock{end: k.end}
			h.next(lower[len(k.start):])
			return h, true
		}
	}
	if len(lower) > 2 && lower[1] == '!' && lower[2] >= 'a' && lower[2] <= 'z' {
		h := htmlBlock{end: ">"}
		h.next(lower[2:])
		return h, true
	}

	closing := strings.HasPrefix(lower, "</")
	at := 1
	if closing {
		at = 2
	}
	name := tagName(lower[at:])
	if name == "" || !tagAt(lower, at, name) {
		return htmlBlock{}, false
	}
	if !blockElements[name] {
		// Any other tag is markup only alone on its line, and not in the
		// middle of a paragraph; it opens nothing.
		end := strings.IndexByte(lower, '>')
		if prevText || end < 0 || strings.TrimSpace(lower[end+1:]) != "" {
			return htmlBlock{}, false
		}
		return htmlBlock{}, true
	}
	if closing || voidElements[name] || strings.HasSuffix(lower[:max(strings.IndexByte(lower, '>'), 0)], "/") {
		return htmlBlock{}, true
	}
	h := htmlBlock{tag: name}
	h.count(lower)
	return h, true
}

// tagName returns the tag name at the start of s (lower case), or "".
func tagName(s string) string {
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || i > 0 && (s[i] >= '0' && s[i] <= '9' || s[i] == '-')) {
		i++
	}
	return s[:i]
}

// tagAt reports whether s holds the tag name name at i, followed by what may
// follow a tag name: white space, the end of the line, ">" or "/>".
func tagAt(s string, i int, name string) bool {
	if !strings.HasPrefix(s[i:], name) {
		return false
	}
	rest := s[i+len(name):]
	return rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '>' || strings.HasPrefix(rest, "/>")
}

// countTag counts the opening and closing tags of the element name in a
// line in lower case.
func countTag(line, name string) (opens, closes int) {
	for i := 0; i < len(line); i++ {
		if line[i] != '<' {
			continue
		}
		switch {
		case tagAt(line, i+1, name):
			opens++
		case strings.HasPrefix(line[i+1:], "/") && tagAt(line, i+2, name):
			closes++
		}
	}
	return opens, closes
}
