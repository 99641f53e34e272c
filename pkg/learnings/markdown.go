package learnings

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/thanos-community/mentorbot/pkg/mdblock"
)

// sectionAliases maps a normalised section title (see normLabel) to its
// section. The list is deliberately closed: a title that is not here does
// not start a section, so an unusual wording is missed rather than
// misfiled. "Learning", "Lessons learned" and "Things we learned" count;
// "Notes", "Summary", "Next steps" or "Action items" do not.
func sectionAliases() map[string]Section {
	return map[string]Section{
		"what we did well":               SectionDidWell,
		"what did we do well":            SectionDidWell,
		"what i did well":                SectionDidWell,
		"what did i do well":             SectionDidWell,
		"what went well":                 SectionDidWell,
		"what worked well":               SectionDidWell,
		"what worked":                    SectionDidWell,
		"things that went well":          SectionDidWell,
		"things we did well":             SectionDidWell,
		"did well":                       SectionDidWell,
		"went well":                      SectionDidWell,
		"what we could do better":        SectionDoBetter,
		"what could we do better":        SectionDoBetter,
		"what i could do better":         SectionDoBetter,
		"what could i do better":         SectionDoBetter,
		"what we could have done better": SectionDoBetter,
		"what could have been better":    SectionDoBetter,
		"what could be better":           SectionDoBetter,
		"what could be improved":         SectionDoBetter,
		"what we could improve":          SectionDoBetter,
		"what to improve":                SectionDoBetter,
		"things to improve":              SectionDoBetter,
		"what didn't go well":            SectionDoBetter,
		"what did not go well":           SectionDoBetter,
		"what went wrong":                SectionDoBetter,
		"could do better":                SectionDoBetter,
		"learnings":                      SectionLearnings,
		"learning":                       SectionLearnings,
		"key learnings":                  SectionLearnings,
		"my learnings":                   SectionLearnings,
		"our learnings":                  SectionLearnings,
		"lessons learned":                SectionLearnings,
		"lessons learnt":                 SectionLearnings,
		"what we learned":                SectionLearnings,
		"what we learnt":                 SectionLearnings,
		"what i learned":                 SectionLearnings,
		"what i learnt":                  SectionLearnings,
		"things we learned":              SectionLearnings,
		"things we learnt":               SectionLearnings,
		"things i learned":               SectionLearnings,
		"things i learnt":                SectionLearnings,
		"takeaways":                      SectionLearnings,
		"key takeaways":                  SectionLearnings,
	}
}

// sectionOf returns the section a title names.
func sectionOf(title string) (Section, bool) {
	s, ok := sectionAliases()[normLabel(title)]
	return s, ok
}

var (
	shortcodeRe   = regexp.MustCompile(`:[a-z0-9_+-]+:`)
	parentheticRe = regexp.MustCompile(`\([^)]*\)`)
)

// normLabel lower-cases a title and keeps only its words: emoji (also as
// :shortcodes:), punctuation, emphasis and a "(...)" remark are dropped.
func normLabel(s string) string {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "’", "'")
	s = shortcodeRe.ReplaceAllString(s, " ")
	s = parentheticRe.ReplaceAllString(s, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// normItem reduces an item to its lower-case words, to compare items with
// each other and with the template's placeholders.
func normItem(s string) string {
	s = strings.ToLower(s)
	for _, box := range []string{"[ ]", "[x]"} {
		s = strings.TrimPrefix(strings.TrimSpace(s), box)
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// splitLabel splits a line into a leading label and the text after it:
// "**Learnings:** text", "_What went well_", "Learnings: text", or the whole
// line as a label. Leading emoji are skipped. ok is false for an empty line.
func splitLabel(line string) (label, content string, ok bool) {
	line = strings.TrimLeftFunc(line, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '*' && r != '_' && r != ':'
	})
	line = strings.TrimSpace(shortcodePrefix(line))
	if line == "" {
		return "", "", false
	}
	for _, d := range []string{"**", "__", "*", "_"} {
		if !strings.HasPrefix(line, d) {
			continue
		}
		end := strings.Index(line[len(d):], d)
		if end <= 0 {
			break
		}
		inner := line[len(d) : len(d)+end]
		after := strings.TrimSpace(line[len(d)+end+len(d):])
		after = strings.TrimSpace(strings.TrimPrefix(after, ":"))
		return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(inner), ":")), after, true
	}
	if i := strings.Index(line, ":"); i >= 0 {
		return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:]), true
	}
	return line, "", true
}

// shortcodePrefix drops leading emoji shortcodes such as ":tada: ".
func shortcodePrefix(s string) string {
	for {
		s = strings.TrimSpace(s)
		loc := shortcodeRe.FindStringIndex(s)
		if loc == nil || loc[0] != 0 {
			return s
		}
		s = s[loc[1]:]
	}
}

// isEmphasised reports whether the whole line is bold or italic.
func isEmphasised(line string) bool {
	line = strings.TrimSuffix(strings.TrimSpace(line), ":")
	for _, d := range []string{"**", "__", "*", "_"} {
		if len(line) > 2*len(d) && strings.HasPrefix(line, d) && strings.HasSuffix(line, d) {
			return true
		}
	}
	return false
}

// listMatch is a list item: its text (checkbox removed) and the width of
// its marker and the spaces after it.
type listMatch struct {
	text  string
	width int
}

// listItem recognises a bullet (-, *, +) or ordered (1. or 1)) list item.
func listItem(rest string) (listMatch, bool) {
	i := 0
	switch {
	case rest == "":
		return listMatch{}, false
	case rest[0] == '-' || rest[0] == '*' || rest[0] == '+':
		i = 1
	default:
		for i < len(rest) && i < 9 && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i >= len(rest) || (rest[i] != '.' && rest[i] != ')') {
			return listMatch{}, false
		}
		i++
	}
	if i < len(rest) && rest[i] != ' ' && rest[i] != '\t' {
		return listMatch{}, false
	}
	after := rest[i:]
	text := strings.TrimLeft(after, " \t")
	spaces := len(after) - len(text)
	if spaces < 1 || spaces > 4 || text == "" {
		spaces = 1
	}
	text = strings.TrimSpace(text)
	for _, box := range []string{"[ ]", "[x]", "[X]"} {
		if text == box {
			text = ""
		} else if strings.HasPrefix(text, box+" ") {
			text = strings.TrimSpace(text[len(box):])
		}
	}
	return listMatch{text: text, width: i + spaces}, true
}

// atxHeading recognises "# Title", "### Title ###".
func atxHeading(rest string) (string, bool) {
	k := 0
	for k < len(rest) && rest[k] == '#' {
		k++
	}
	if k < 1 || k > 6 || (k < len(rest) && rest[k] != ' ' && rest[k] != '\t') {
		return "", false
	}
	text := strings.TrimSpace(rest[k:])
	if t := strings.TrimRight(text, "#"); t == "" || strings.HasSuffix(t, " ") {
		text = strings.TrimSpace(t)
	}
	return text, true
}

// isSetextUnderline recognises the === or --- line below a heading.
func isSetextUnderline(line string) bool {
	indent, rest := mdblock.SplitIndent(line)
	rest = strings.TrimSpace(rest)
	if indent >= 4 || rest == "" {
		return false
	}
	return strings.Count(rest, "=") == len(rest) || strings.Count(rest, "-") == len(rest)
}

// visibleLines splits a comment into the lines a reader sees as its own
// text: CRLF is normalised, HTML comments are removed (a line that held
// only a comment disappears), and fenced code blocks, block quotes and
// their lazy continuation lines are dropped.
func visibleLines(body string) []string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	var (
		out       []string
		inComment bool
		inQuote   bool
		fence     mdblock.Fence
		// A Markdown fence (```markdown, ```md) holds a copy of the template
		// that someone filled in without removing its fence: its lines are
		// read as text.
		mdFence mdblock.Fence
	)
	for _, line := range strings.Split(body, "\n") {
		if fence.Open() {
			if fence.ClosedBy(line) {
				fence = mdblock.Fence{}
			}
			continue
		}
		if mdFence.Open() && mdFence.ClosedBy(line) {
			mdFence = mdblock.Fence{}
			out = append(out, "")
			continue
		}
		hadComment := inComment
		if inComment {
			end := strings.Index(line, "-->")
			if end < 0 {
				continue
			}
			line, inComment = line[end+3:], false
		}
		var removed bool
		line, removed, inComment = stripComments(line)
		if (hadComment || removed) && strings.TrimSpace(line) == "" {
			continue
		}
		indent, rest := mdblock.SplitIndent(line)
		if indent < 4 {
			if f, info, ok := mdblock.FenceAt(rest); ok {
				inQuote = false
				if w := strings.Fields(strings.ToLower(info)); !mdFence.Open() && len(w) > 0 && (w[0] == "markdown" || w[0] == "md") {
					mdFence = f
					out = append(out, "")
					continue
				}
				fence = f
				continue
			}
			if strings.HasPrefix(rest, ">") {
				inQuote = true
				continue
			}
		}
		if strings.TrimSpace(line) == "" {
			inQuote = false
			out = append(out, "")
			continue
		}
		if inQuote {
			if _, ok := listItem(rest); !ok {
				if _, ok := atxHeading(rest); !ok && !mdblock.IsThematicBreak(rest) {
					continue // lazy continuation of the quote
				}
			}
			inQuote = false
		}
		out = append(out, line)
	}
	return out
}

// stripComments removes the HTML comments of one line; removed reports that
// there was one, open that one is still open at the end of the line.
func stripComments(line string) (_ string, removed, open bool) {
	var b strings.Builder
	for {
		i := strings.Index(line, "<!--")
		if i < 0 {
			b.WriteString(line)
			break
		}
		removed = true
		b.WriteString(line[:i])
		rest := line[i+4:]
		// "<!-->" and "<!--->" are complete, empty comments.
		switch {
		case strings.HasPrefix(rest, ">"):
			line = rest[1:]
			continue
		case strings.HasPrefix(rest, "->"):
			line = rest[2:]
			continue
		}
		j := strings.Index(rest, "-->")
		if j < 0 {
			return b.String(), true, true
		}
		line = rest[j+3:]
	}
	return b.String(), removed, false
}
