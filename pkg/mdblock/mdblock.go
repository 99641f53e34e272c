// Package mdblock recognises the few Markdown block constructs the bot must
// tell apart when it reads what people wrote (slash commands, retrospective
// replies): indentation, fenced code, thematic breaks and list markers,
// following CommonMark as GitHub renders it.
package mdblock

import "strings"

// SplitIndent returns the indentation width of line (tabs to the next
// multiple of four) and the line without it.
func SplitIndent(line string) (int, string) {
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

// Fence is an open fenced code block: its character (` or ~) and length.
type Fence struct {
	Char byte
	N    int
}

// Open reports whether f is an open fence.
func (f Fence) Open() bool { return f.N > 0 }

// ClosedBy reports whether line closes the fence: at most three spaces, then
// at least as many of the same character, then only white space.
func (f Fence) ClosedBy(line string) bool {
	indent, rest := SplitIndent(line)
	if indent >= 4 {
		return false
	}
	k := 0
	for k < len(rest) && rest[k] == f.Char {
		k++
	}
	return k >= f.N && strings.TrimSpace(rest[k:]) == ""
}

// FenceAt reports whether rest (a line without its indentation) opens a
// fenced code block, and returns the info string after the fence.
func FenceAt(rest string) (Fence, string, bool) {
	if rest == "" || (rest[0] != '`' && rest[0] != '~') {
		return Fence{}, "", false
	}
	c := rest[0]
	k := 0
	for k < len(rest) && rest[k] == c {
		k++
	}
	// A backtick fence's info string may not contain backticks (otherwise
	// it is inline code).
	if k < 3 || (c == '`' && strings.Contains(rest[k:], "`")) {
		return Fence{}, "", false
	}
	return Fence{Char: c, N: k}, strings.TrimSpace(rest[k:]), true
}

// IsThematicBreak recognises ---, *** and ___ lines (spaces allowed).
func IsThematicBreak(rest string) bool {
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

// CutListMarker removes a bullet (-, *, +) or ordered (1. or 1)) list
// marker; the text after it starts with the white space that must follow.
func CutListMarker(s string) (string, bool) {
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
