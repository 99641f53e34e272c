package learnings

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// IssueMarkerKind is the marker kind of the learnings issue; its key is the
// programme's slug, so the issue of a programme is found again and updated
// in place.
const IssueMarkerKind = "learnings"

// emailWidth is the line width of the mailing-list text.
const emailWidth = 72

// Slug turns a programme name into a marker key: lower-case letters and
// digits separated by single dashes ("LFX Mentorship 2026 Term 3" →
// "lfx-mentorship-2026-term-3"). An empty name gives "program".
func Slug(program string) string { return markers.Slug(program) }

// LearningsTitle is the title of the learnings issue: "Learnings: <program>".
// Titles are plain text on GitHub; white space is collapsed.
func LearningsTitle(program string) string {
	return "Learnings: " + oneLine(program)
}

// LearningsMarker is the marker that identifies the programme's learnings
// issue.
func LearningsMarker(program string) string {
	return markers.New(IssueMarkerKind, Slug(program))
}

// LearningsBody renders the body of the learnings issue from the mentees'
// retrospectives (in roster order): the learnings grouped by theme (see
// GroupLearnings), each linked to the comment it came from; what went well
// and what could be better, by mentee; who has no retrospective yet; and
// the same in plain text, ready to paste into a mailing-list e-mail.
//
// Logins are written without @: the issue is a summary and pings nobody.
// Everything people wrote is escaped.
func LearningsBody(program string, retros []Retrospective) string {
	var b strings.Builder
	b.WriteString(LearningsMarker(program) + "\n")
	fmt.Fprintf(&b, "The learnings of **%s**, collected from the retrospectives on the mentees' tracking issues, "+
		"as the mentorship handbook suggests: what we did well, what we could do better, and what we learned.\n\n", mdsafe.Text(program))
	b.WriteString("mentorbot keeps this issue up to date. To change an item, edit the retrospective comment it links to.\n\n")

	b.WriteString("## Retrospectives\n\n")
	if len(retros) == 0 {
		b.WriteString("No mentees are enrolled.\n")
	}
	for _, r := range retros {
		b.WriteString("- " + mdsafe.Text(r.Mentee))
		if safeURL(r.TrackingIssue) {
			b.WriteString(" ([tracking issue](" + r.TrackingIssue + "))")
		}
		if r.Empty() {
			b.WriteString(": no retrospective yet\n")
			continue
		}
		b.WriteString(": " + counts(r) + "\n")
	}

	b.WriteString("\n## Learnings\n\n")
	groups := GroupLearnings(retros)
	if len(groups) == 0 {
		b.WriteString("_None yet._\n\n")
	}
	for _, g := range groups {
		if g.Theme != "" {
			fmt.Fprintf(&b, "### Theme: %s\n\n", mdsafe.Text(capitalise(g.Theme)))
			fmt.Fprintf(&b, "_Shared by %s._\n\n", mdsafe.Text(mdsafe.JoinAnd(g.Mentees)))
		} else {
			fmt.Fprintf(&b, "### From %s\n\n", mdsafe.Text(g.Mentees[0]))
		}
		for _, e := range g.Entries {
			writeItem(&b, e.Item, g.Theme != "", e.Mentee)
		}
		b.WriteString("\n")
	}

	for _, s := range []Section{SectionDidWell, SectionDoBetter} {
		b.WriteString("## " + s.String() + "\n\n")
		found := false
		for _, r := range retros {
			items := r.In(s)
			if len(items) == 0 {
				continue
			}
			found = true
			fmt.Fprintf(&b, "### From %s\n\n", mdsafe.Text(r.Mentee))
			for _, it := range items {
				writeItem(&b, it, false, r.Mentee)
			}
			b.WriteString("\n")
		}
		if !found {
			b.WriteString("_None yet._\n\n")
		}
	}

	b.WriteString("## For the mailing list\n\n")
	b.WriteString("Plain text, ready to paste into an e-mail to the mailing list, as the handbook asks:\n\n")
	text := EmailText(program, retros)
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	b.WriteString(fence + "text\n" + text + fence + "\n")
	return b.String()
}

// writeItem writes one item as a Markdown list entry with its source link.
// withMentee names the mentee's retrospective when the group mixes mentees.
func writeItem(b *strings.Builder, it Item, withMentee bool, mentee string) {
	b.WriteString("- " + mdsafe.Text(it.Text) + " — ")
	src := mdsafe.Text(it.Author)
	if withMentee && !strings.EqualFold(it.Author, mentee) {
		src += " in " + mdsafe.Text(mentee) + "'s retrospective"
	}
	if safeURL(it.URL) {
		src = "[" + src + "](" + it.URL + ")"
	}
	b.WriteString(src + "\n")
	for _, s := range it.Sub {
		b.WriteString("  - " + mdsafe.Text(s) + "\n")
	}
}

// EmailText renders the learnings as plain text for a mailing-list e-mail:
// no Markdown and no HTML, lines of at most 72 characters (a long link may
// overflow), items with "-" and their nested items indented below them.
func EmailText(program string, retros []Retrospective) string {
	var b strings.Builder
	name := oneLine(program)
	b.WriteString("Subject: " + LearningsTitle(program) + "\n\n")
	b.WriteString("Hello everyone,\n\n")
	b.WriteString(wrap(name+" has come to an end. Mentees and mentors held retrospectives; "+
		"here is what we learned, what we did well and what we could do better.", emailWidth, "", ""))

	b.WriteString("\nLEARNINGS\n")
	groups := GroupLearnings(retros)
	if len(groups) == 0 {
		b.WriteString("\nNone yet.\n")
	}
	for _, g := range groups {
		if g.Theme != "" {
			b.WriteString("\n" + plain(capitalise(g.Theme)) + " (" + plain(mdsafe.JoinAnd(g.Mentees)) + ")\n")
		} else {
			b.WriteString("\nFrom " + plain(g.Mentees[0]) + "\n")
		}
		for _, e := range g.Entries {
			writePlainItem(&b, e.Item)
		}
	}
	for _, s := range []Section{SectionDidWell, SectionDoBetter} {
		b.WriteString("\n" + strings.ToUpper(s.String()) + "\n")
		found := false
		for _, r := range retros {
			items := r.In(s)
			if len(items) == 0 {
				continue
			}
			found = true
			b.WriteString("\nFrom " + plain(r.Mentee) + "\n")
			for _, it := range items {
				writePlainItem(&b, it)
			}
		}
		if !found {
			b.WriteString("\nNone yet.\n")
		}
	}
	var missing []string
	for _, r := range retros {
		if r.Empty() {
			missing = append(missing, plain(r.Mentee))
		}
	}
	if len(missing) > 0 {
		b.WriteString("\n" + wrap("No retrospective yet: "+mdsafe.JoinAnd(missing)+".", emailWidth, "", ""))
	}
	b.WriteString("\nThank you to all mentees and mentors!\n")
	return b.String()
}

func writePlainItem(b *strings.Builder, it Item) {
	text := plain(it.Text)
	if a := plain(it.Author); a != "" {
		text += " (" + a + ")"
	}
	b.WriteString(wrap(text, emailWidth, "  - ", "    "))
	for _, s := range it.Sub {
		b.WriteString(wrap(plain(s), emailWidth, "      * ", "        "))
	}
}

// counts summarises a retrospective: "2 learnings, 1 thing done well, ...".
func counts(r Retrospective) string {
	var parts []string
	for _, c := range []struct {
		s         Section
		one, many string
	}{
		{SectionLearnings, "learning", "learnings"},
		{SectionDidWell, "thing done well", "things done well"},
		{SectionDoBetter, "thing to do better", "things to do better"},
	} {
		switch n := len(r.In(c.s)); n {
		case 0:
		case 1:
			parts = append(parts, "1 "+c.one)
		default:
			parts = append(parts, fmt.Sprintf("%d %s", n, c.many))
		}
	}
	return strings.Join(parts, ", ")
}

// safeURL reports whether u can be written as a Markdown link target as it
// is: an absolute http(s) URL without spaces, quotes or brackets.
func safeURL(u string) bool {
	if u == "" || strings.ContainsAny(u, " \t\r\n<>()\"'`\\") {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func capitalise(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
