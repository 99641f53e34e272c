package dashboard

import (
	"fmt"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// TermFiguresKind delimits the block the dashboard adds to a mentee's
// end-of-term report (written by the digest): the mentee's PRs per week and
// their time to first response against the programme's other PRs. The block
// is the dashboard's; the rest of the report is the digest's.
const TermFiguresKind = "term-figures"

// TermFigures renders that block for mentee login.
func TermFigures(login string, prog Programme, f Figures) string {
	var mine []PR
	for _, pr := range prog.PRs {
		if pr.Mentee && strings.EqualFold(pr.Author, login) {
			mine = append(mine, pr)
		}
	}
	own := Compute(Programme{From: prog.From, To: prog.To, PRs: mine})
	var b strings.Builder
	b.WriteString(markers.New(TermFiguresKind, "begin") + "\n")
	b.WriteString("**Responsiveness**\n\n")
	switch {
	case own.MenteePRs == 0:
		b.WriteString("No pull requests were opened in the term.")
	case own.MenteeFirst.N == 0:
		fmt.Fprintf(&b, "No response yet to the %s opened in the term.", mdsafe.Count(own.MenteePRs, "pull request", "pull requests"))
	default:
		fmt.Fprintf(&b, "Time to first response of the %s opened in the term: median %s, 90th percentile %s (%d answered).",
			mdsafe.Count(own.MenteePRs, "pull request", "pull requests"), dur(own.MenteeFirst.N, own.MenteeFirst.Median), dur(own.MenteeFirst.N, own.MenteeFirst.P90), own.MenteeFirst.N)
	}
	if f.OthersFirst.N == 0 {
		b.WriteString(" No other pull request of the same repositories had a response in the term to compare with.\n\n")
	} else {
		fmt.Fprintf(&b, " Other pull requests of the same repositories over the term: median %s, 90th percentile %s.\n\n",
			dur(f.OthersFirst.N, f.OthersFirst.Median), dur(f.OthersFirst.N, f.OthersFirst.P90))
	}
	if own.MenteePRs > 0 && len(own.Weeks) > 0 {
		c := WeeklyPRs(own)
		c.Title = "Pull requests per week: opened (bars), merged (line)"
		b.WriteString(c.Mermaid())
	}
	b.WriteString(markers.New(TermFiguresKind, "end") + "\n")
	return b.String()
}

// WithTermFigures puts block into an end-of-term report: in place of the
// block already there, else just before the report's own marker (its last
// line), else at the end. The result does not depend on what the block
// said before, so two writers converge.
func WithTermFigures(report, block string) string {
	begin, end := markers.New(TermFiguresKind, "begin"), markers.New(TermFiguresKind, "end")
	if i := strings.Index(report, begin); i >= 0 {
		if j := strings.Index(report[i:], end); j >= 0 {
			rest := strings.TrimPrefix(report[i+j+len(end):], "\n")
			return report[:i] + block + rest
		}
	}
	if i := strings.LastIndex(report, "<!-- mentorbot:"+markers.KindTermReport+":"); i >= 0 {
		return strings.TrimRight(report[:i], "\n") + "\n\n" + block + "\n" + report[i:]
	}
	return strings.TrimRight(report, "\n") + "\n\n" + block
}
