// Package learnings closes a mentorship term the way the programme handbook
// runs it: it reads the retrospectives mentees and mentors write on the
// tracking issues ("What we did well", "What we could do better",
// "Learnings"), renders the `Learnings: <program>` issue with a section ready
// to paste into a mailing-list e-mail, and plans the optional Mentees Meetup
// (the planning issue, its agenda and the invitations).
//
// The parsing and rendering are pure: they take plain data (comments,
// logins, titles) and return text, and every text carries a marker so it can
// be found again and updated in place. Sweep and Commands are the jobs
// around them: they read what they need (the bot's issues through
// writeonce; the Sweep also the comments of tracking issues, through
// GitHub), call them, and write through writeonce.
package learnings

import (
	"sort"
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdblock"
)

// Comment is an issue comment, as plain data.
type Comment struct {
	ID        int64
	URL       string
	Author    string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Section is one of the three lists of a retrospective.
type Section int

// The three lists of the handbook's retrospective, in its order.
const (
	sectionNone Section = iota
	SectionDidWell
	SectionDoBetter
	SectionLearnings
)

// String returns the handbook's heading of the section.
func (s Section) String() string {
	switch s {
	case SectionDidWell:
		return "What we did well"
	case SectionDoBetter:
		return "What we could do better"
	case SectionLearnings:
		return "Learnings"
	}
	return "none"
}

// Item is one entry of a retrospective list.
type Item struct {
	Section Section
	// Text is the item as written, in Markdown, without its list marker or
	// checkbox; lines that continue the item are joined with a space.
	Text string
	// Sub are the item's nested list items, kept with their parent.
	Sub []string
	// CommentID, URL and Author identify the comment the item came from.
	CommentID int64
	URL       string
	Author    string
	// Edited reports that the comment was edited after it was posted; the
	// item is read from the current text.
	Edited bool
}

// Retrospective is one mentee's retrospective.
type Retrospective struct {
	// Mentee is the mentee's login (from the roster).
	Mentee string
	// TrackingIssue is the URL of the mentee's tracking issue.
	TrackingIssue string
	// Items are the parsed items, in the order they were written.
	Items []Item
}

// In returns the items of one section.
func (r Retrospective) In(s Section) []Item {
	var out []Item
	for _, it := range r.Items {
		if it.Section == s {
			out = append(out, it)
		}
	}
	return out
}

// Empty reports whether nobody has written a retrospective item yet.
func (r Retrospective) Empty() bool { return len(r.Items) == 0 }

// ParseRetrospective collects the items people wrote in reply to the
// retrospective template the bot posted on a tracking issue.
//
// What counts, decided conservatively so that nothing is attributed to the
// wrong list:
//
//   - An item belongs to a section only under a recognised section title:
//     a Markdown heading of any level, an underlined (setext) heading, a bold
//     or italic label on its own line, a plain line such as "Learnings:", or
//     a list item that is only a section title (its nested items are then the
//     section's items). Titles are matched after lower-casing and removing
//     emoji, punctuation and a trailing "(...)"; see sectionAliases for the
//     accepted wordings ("What went well", "Lessons learned", "Things we
//     learned", ...). "Learning: <text>" or "**Learnings:** <text>" on one
//     line starts the section with <text> as its first item.
//   - Any other heading, a bold or italic line, a short label ending in a
//     colon ("Notes:", "Next steps:") or a thematic break (---) ends the
//     section: what follows is not an item until the next title. So does a
//     plain paragraph after a section written as a list, which is closing
//     prose ("Thanks everyone!").
//   - Every reply is read on its own: a reply such as "One more learning:
//     ..." under no title is prose, not an item. Someone who wants to add a
//     learning later writes it under a "Learnings" title (or as
//     "Learning: ...").
//   - Under a title, each list item (-, *, +, 1., 1)) is an item, with its
//     checkbox removed; nested list items stay with their parent in Sub;
//     lines that continue an item (indented, or directly below it) are
//     joined to it. A plain line is an item of its own, because GitHub shows
//     each line of a comment on its own line; it is joined to the line above
//     only when that line does not end a sentence and it starts in lower
//     case.
//   - Ignored: quoted text (> ...), including quotes of the template; code
//     blocks, except a ```markdown (or ```md) block, which is read as text
//     because people paste the template's block and fill it in; HTML
//     comments; the template's own placeholder lines, even when
//     a reply copies the template; empty placeholders such as "...", "TBD",
//     "N/A" or "none"; the bot's own comments (any mentorbot marker, or a
//     [bot] author); and the template comment itself, which only the bot
//     writes.
//   - Replies are read in the order they were posted (then by id), and an
//     item repeated in the same section is kept once, at its first place.
func ParseRetrospective(template Comment, replies []Comment) []Item {
	placeholders := placeholderSet(template.Body)
	sorted := append([]Comment(nil), replies...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].CreatedAt.Equal(sorted[j].CreatedAt) {
			return sorted[i].CreatedAt.Before(sorted[j].CreatedAt)
		}
		return sorted[i].ID < sorted[j].ID
	})
	var (
		out  []Item
		seen = map[Section]map[string]bool{}
	)
	for _, c := range sorted {
		if c.ID != 0 && c.ID == template.ID {
			continue
		}
		if strings.HasSuffix(c.Author, "[bot]") || len(markers.Parse(c.Body)) > 0 {
			continue
		}
		p := &parser{c: c, placeholders: placeholders}
		p.parse()
		for _, it := range p.items {
			if it.ignored {
				continue
			}
			key := normItem(it.Text)
			if seen[it.Section] == nil {
				seen[it.Section] = map[string]bool{}
			}
			if seen[it.Section][key] {
				continue
			}
			seen[it.Section][key] = true
			out = append(out, it.Item)
		}
	}
	return out
}

// pitem is an item while parsing; ignored items swallow their continuation
// lines and nested items.
type pitem struct {
	Item
	ignored bool
	list    bool // a list item (else a plain line)
	content int  // the content column of a list item
	subCol  int  // the content column of the last nested item, or -1
}

type parser struct {
	c            Comment
	placeholders map[string]bool

	section Section
	listed  bool // the current section of this comment is written as a list
	// labelItem: the section was started by a list item ("- Learnings"),
	// whose nested items may be indented by four spaces.
	labelItem bool
	items     []*pitem
	cur       *pitem // the item that continuation lines join, if any
	blank     bool   // a blank line since the last text line
}

func (p *parser) parse() {
	lines := visibleLines(p.c.Body)
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "" {
			p.blank = true
			continue
		}
		indent, rest := mdblock.SplitIndent(line)
		// Indented code: four spaces where no item goes on (after a title, or
		// after a blank line below a plain item). Below a list item the same
		// indentation continues the item or nests in it.
		if indent >= 4 && ((p.cur == nil && !p.labelItem) || (p.cur != nil && !p.cur.list && p.blank)) {
			continue
		}
		if indent < 4 {
			if text, ok := atxHeading(rest); ok {
				p.title(text, true)
				continue
			}
			if mdblock.IsThematicBreak(rest) {
				p.section, p.cur, p.listed = sectionNone, nil, false
				p.blank = false
				continue
			}
		}
		if m, ok := listItem(rest); ok {
			p.listLine(indent, m)
			continue
		}
		// An underlined heading: this line, then === or --- below it.
		if indent < 4 && i+1 < len(lines) && isSetextUnderline(lines[i+1]) && (p.cur == nil || !p.cur.list || p.blank) {
			p.title(rest, true)
			i++
			continue
		}
		p.textLine(indent, rest)
	}
}

// title switches to the section a heading or label names, or out of any
// section when it names none.
func (p *parser) title(text string, heading bool) {
	p.cur, p.blank, p.listed, p.labelItem = nil, false, false, false
	if s, ok := sectionOf(text); ok {
		p.section = s
		return
	}
	if heading {
		p.section = sectionNone
	}
}

func (p *parser) listLine(indent int, m listMatch) {
	defer func() { p.blank = false }()
	cur := p.cur
	if cur != nil && cur.list && indent >= cur.content {
		// A nested item stays with its parent.
		if cur.subCol >= 0 && indent >= cur.subCol && len(cur.Sub) > 0 {
			// Deeper nesting is flattened into the nested item it belongs to.
			cur.Sub[len(cur.Sub)-1] += " / " + m.text
			return
		}
		if !cur.ignored && !p.isPlaceholder(m.text) {
			cur.Sub = append(cur.Sub, m.text)
			cur.subCol = indent + m.width
		}
		return
	}
	// A list item that is only a section title: its nested items are that
	// section's items.
	if label, content, ok := splitLabel(m.text); ok && content == "" {
		if s, ok := sectionOf(label); ok {
			p.section, p.cur, p.listed = s, nil, false
			p.labelItem = true
			return
		}
	}
	p.listed = true
	p.newItem(m.text, true, indent+m.width)
}

func (p *parser) textLine(indent int, rest string) {
	defer func() { p.blank = false }()
	p.labelItem = false
	text := strings.TrimSpace(rest)
	// A section title on its own line, or a title with its first item.
	if label, content, ok := splitLabel(text); ok {
		if s, ok := sectionOf(label); ok {
			p.section, p.cur, p.listed = s, nil, false
			if content != "" {
				p.newItem(content, false, 0)
			}
			return
		}
		if content == "" && (isEmphasised(text) || isColonLabel(text)) {
			// A label that names no section ("**Next steps**", "Notes:")
			// starts something else; its lines are not filed anywhere.
			p.section, p.cur, p.listed = sectionNone, nil, false
			return
		}
	}
	cur := p.cur
	switch {
	case cur != nil && cur.list && (!p.blank || indent >= cur.content):
		// A continuation line of a list item (lazy, or indented after a
		// blank line) joins the innermost item it continues.
		p.appendTo(cur, text)
	case cur != nil && !cur.list && !p.blank && continuesSentence(cur.Text, text):
		p.appendTo(cur, text)
	case p.listed && p.blank:
		// A paragraph after a section written as a list is closing prose
		// ("Thanks everyone!"), not an item.
		p.section, p.cur, p.listed = sectionNone, nil, false
	default:
		p.newItem(text, false, 0)
	}
}

func (p *parser) appendTo(it *pitem, text string) {
	if len(it.Sub) > 0 {
		it.Sub[len(it.Sub)-1] += " " + text
		return
	}
	it.Text += " " + text
}

func (p *parser) newItem(text string, list bool, content int) {
	it := &pitem{
		Item: Item{
			Section:   p.section,
			Text:      text,
			CommentID: p.c.ID,
			URL:       p.c.URL,
			Author:    p.c.Author,
			Edited:    p.c.UpdatedAt.After(p.c.CreatedAt),
		},
		list:    list,
		content: content,
		subCol:  -1,
	}
	it.ignored = p.section == sectionNone || p.isPlaceholder(text)
	p.items = append(p.items, it)
	p.cur = it
}

func (p *parser) isPlaceholder(text string) bool {
	n := normItem(text)
	return isEmptyPlaceholder(n) || p.placeholders[n]
}

// isEmptyPlaceholder reports items that say nothing, after normItem.
func isEmptyPlaceholder(n string) bool {
	switch n {
	case "", "tbd", "todo", "n a", "na", "none", "nothing", "nothing yet", "same", "same as above":
		return true
	}
	return false
}

// placeholderSet returns the normalised lines of the template that are
// neither titles nor empty: a reply that copies the template keeps them.
func placeholderSet(template string) map[string]bool {
	set := map[string]bool{}
	for _, line := range visibleLines(template) {
		_, rest := mdblock.SplitIndent(line)
		if t, ok := atxHeading(rest); ok {
			rest = t
		}
		if m, ok := listItem(rest); ok {
			rest = m.text
		}
		if label, content, ok := splitLabel(strings.TrimSpace(rest)); ok && content == "" {
			if _, ok := sectionOf(label); ok {
				continue
			}
		}
		if n := normItem(rest); n != "" {
			set[n] = true
		}
	}
	return set
}

// isColonLabel reports whether a line is a short label ending in a colon,
// such as "Notes:" (at most five words).
func isColonLabel(line string) bool {
	line = strings.TrimSpace(line)
	return strings.HasSuffix(line, ":") && len(strings.Fields(line)) <= 5
}

// continuesSentence reports whether next continues the plain line prev: prev
// does not end a sentence and next starts in lower case.
func continuesSentence(prev, next string) bool {
	prev = strings.TrimSpace(prev)
	if prev == "" || next == "" {
		return false
	}
	if strings.ContainsAny(prev[len(prev)-1:], ".!?:;)") {
		return false
	}
	r := []rune(next)[0]
	return r >= 'a' && r <= 'z'
}
