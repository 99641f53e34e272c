package learnings

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// Marker kinds of the Mentees Meetup.
const (
	// MeetupMarkerKind marks the planning issue; its key is the programme's
	// slug.
	MeetupMarkerKind = "meetup"
	// InviteMarkerKind marks the invitation to present; its key is the
	// mentee's login.
	InviteMarkerKind = "meetup-invite"
	// AgendaMarkerKind delimits the agenda section of the planning issue
	// (keys "begin" and "end"). The begin marker carries the agenda itself,
	// so the section can be rewritten without reading back rendered text.
	AgendaMarkerKind = "meetup-agenda"
	// StepMarkerKind marks the steps of the task list (key: the step).
	StepMarkerKind = "meetup-step"
)

// Errors of the agenda functions.
var (
	// ErrNoAgenda: the body has no agenda section (or only half of one).
	ErrNoAgenda = errors.New("no agenda section")
	// ErrBadAgenda: the agenda's data cannot be read (edited by hand?).
	ErrBadAgenda = errors.New("agenda data unreadable")
	// ErrInvalidTalk: a talk without a valid login or a title.
	ErrInvalidTalk = errors.New("invalid talk")
	// ErrInvalidURL: a learnings issue URL that is not an http(s) URL.
	ErrInvalidURL = errors.New("invalid URL")
)

// Talk is a mentee's talk at the meetup.
type Talk struct {
	Login string `json:"login"`
	Title string `json:"title"`
}

// Agenda is what the agenda section shows: the mentees' talks in sign-up
// order, then the "Learnings" talk, which links the learnings issue once it
// exists.
type Agenda struct {
	// Program names the learnings issue in the "Learnings" talk; MeetupBody
	// sets it from Meetup.Program.
	Program      string `json:"program,omitempty"`
	Talks        []Talk `json:"talks,omitempty"`
	LearningsURL string `json:"learnings,omitempty"`
}

// Meetup is what the planning issue is made from.
type Meetup struct {
	// Program is the programme's name.
	Program string
	// Mentees are the mentees' logins, in roster order.
	Mentees []string
	// End is the last day of the term; zero when unknown.
	End time.Time
	// Agenda is the initial agenda (usually empty).
	Agenda Agenda
}

// MeetupTitle is the title of the planning issue.
func MeetupTitle(program string) string {
	return "Mentees Meetup: " + oneLine(program)
}

// MeetupMarker is the marker that identifies the programme's planning issue.
func MeetupMarker(program string) string {
	return markers.New(MeetupMarkerKind, Slug(program))
}

// The steps of the handbook's "Mentees Meetup" section, as a task list. The
// key of each step is in its marker, so a step can be found (and ticked)
// however people reword it.
func meetupSteps() []struct{ key, text string } {
	return []struct{ key, text string }{
		{"interest", "At least two mentees are interested in presenting the state of their project, or what they learned and how " +
			"(mentorbot asked each mentee and ticks this box when two talks are on the agenda). " +
			"Ask whether they would like to help organise the meetup too, and whether mentors have time to help."},
		{"talks", "Each speaker has a title, a description and an outline for a 15–20 minute talk, plus 5 minutes of Q&A."},
		{"agenda", "The agenda has the mentees' talks first, then the \"Learnings\" talk: mentors go through a filtered list of " +
			"the learnings from the retrospectives, with all mentees chiming in; discussion and Q&A."},
		{"slot", "A suitable time slot is found: typically two hours in the evening."},
		{"announce", "The meetup is announced with the agenda, the time, how to join, the code of conduct and the target audience " +
			"(other potential mentees, students, mentors of other projects, the community, potential contributors)."},
		{"mc", "An MC is chosen: someone who leads the meetup."},
		{"webinar", "A webinar is created on the project's account, with cloud recording, so the meetup is recorded."},
		{"perform", "The meetup took place, and the recording is shared."},
	}
}

// MeetupBody renders the planning issue: the handbook's steps as a task
// list, then the agenda section, which AddTalk, RemoveTalk and
// LinkLearnings rewrite in place. Everything outside that section is left to
// people.
func MeetupBody(m Meetup) (string, error) {
	m.Agenda.Program = m.Program
	section, err := renderAgenda(m.Agenda)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(MeetupMarker(m.Program) + "\n")
	fmt.Fprintf(&b, "Let's plan the **Mentees Meetup** of **%s**: a virtual meetup where mentees share what they built "+
		"and learned, and practise public speaking. The steps below follow the \"Mentees Meetup\" section of the mentorship handbook.\n\n",
		mdsafe.Text(m.Program))
	if !m.End.IsZero() {
		fmt.Fprintf(&b, "The term ends on %s.\n\n", m.End.Format(time.DateOnly))
	}
	if len(m.Mentees) > 0 {
		names := make([]string, len(m.Mentees))
		for i, l := range m.Mentees {
			names[i] = mdsafe.Text(l)
		}
		fmt.Fprintf(&b, "Mentees of this term: %s. Each of them is asked on their tracking issue whether they would like to present.\n\n",
			mdsafe.JoinAnd(names))
	}
	b.WriteString("## Steps\n\n")
	for _, s := range meetupSteps() {
		fmt.Fprintf(&b, "- [ ] %s %s\n", s.text, markers.New(StepMarkerKind, s.key))
	}
	b.WriteString("\n## Agenda\n\n")
	b.WriteString(section + "\n")
	return b.String(), nil
}

// renderAgenda renders the agenda section, markers included.
func renderAgenda(a Agenda) (string, error) {
	for _, t := range a.Talks {
		if err := checkTalk(t); err != nil {
			return "", err
		}
	}
	if a.LearningsURL != "" && !safeURL(a.LearningsURL) {
		return "", fmt.Errorf("learnings issue %q: %w", a.LearningsURL, ErrInvalidURL)
	}
	data, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("encode agenda: %w", err)
	}
	var b strings.Builder
	b.WriteString(markers.Marker{Kind: AgendaMarkerKind, Key: "begin", Data: base64.RawStdEncoding.EncodeToString(data)}.String() + "\n")
	b.WriteString("Mentees' talks come first, in the order they signed up, then the \"Learnings\" talk. " +
		"Each talk is 15–20 minutes plus 5 minutes of Q&A. To sign up, comment `/meetup present <title>` on this issue; " +
		"`/meetup withdraw` takes your talk off. mentorbot rewrites this section; edit the rest of the issue freely.\n\n")
	if len(a.Talks) == 0 {
		b.WriteString("No talks yet.\n\n")
	}
	for i, t := range a.Talks {
		fmt.Fprintf(&b, "%d. **%s** — %s\n", i+1, mdsafe.Text(t.Title), mdsafe.Mention(t.Login))
	}
	fmt.Fprintf(&b, "%d. **Learnings** — mentors go through a filtered list of the learnings gathered in the retrospectives; "+
		"all mentees chime in; discussion and Q&A. ", len(a.Talks)+1)
	if a.LearningsURL != "" {
		fmt.Fprintf(&b, "See [%s](%s).\n", mdsafe.Text(LearningsTitle(a.Program)), a.LearningsURL)
	} else {
		b.WriteString("The learnings issue is linked here once it is opened.\n")
	}
	b.WriteString(markers.New(AgendaMarkerKind, "end"))
	return b.String(), nil
}

func checkTalk(t Talk) error {
	if !mdsafe.ValidLogin(t.Login) || strings.HasSuffix(t.Login, "[bot]") {
		return fmt.Errorf("talk by %q: login: %w", t.Login, ErrInvalidTalk)
	}
	if oneLine(t.Title) == "" {
		return fmt.Errorf("talk by %s: empty title: %w", t.Login, ErrInvalidTalk)
	}
	return nil
}

// agendaSpan finds the agenda section in body: the byte offsets of the
// begin marker's start and the end marker's end, and the agenda the begin
// marker carries.
func agendaSpan(body string) (start, end int, a Agenda, err error) {
	beginPrefix := "<!-- mentorbot:" + AgendaMarkerKind + ":begin"
	endMarker := markers.New(AgendaMarkerKind, "end")
	start = strings.Index(body, beginPrefix)
	if start < 0 {
		return 0, 0, a, ErrNoAgenda
	}
	closeAt := strings.Index(body[start:], "-->")
	if closeAt < 0 {
		return 0, 0, a, ErrNoAgenda
	}
	begin := markers.Parse(body[start : start+closeAt+3])
	rel := strings.Index(body[start:], endMarker)
	if len(begin) != 1 || rel < 0 {
		return 0, 0, a, ErrNoAgenda
	}
	end = start + rel + len(endMarker)
	if begin[0].Data != "" {
		raw, err := base64.RawStdEncoding.DecodeString(begin[0].Data)
		if err != nil {
			return 0, 0, a, fmt.Errorf("decode agenda: %w: %v", ErrBadAgenda, err)
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return 0, 0, a, fmt.Errorf("decode agenda: %w: %v", ErrBadAgenda, err)
		}
	}
	return start, end, a, nil
}

// ReadAgenda returns the agenda of a planning issue body.
func ReadAgenda(body string) (Agenda, error) {
	_, _, a, err := agendaSpan(body)
	return a, err
}

// rewriteAgenda applies change to the agenda of body and renders the
// section again in place. A body without an agenda section (people deleted
// it) gets a new one at its end; a damaged one is an error, so that nothing
// people wrote is lost.
func rewriteAgenda(body string, change func(*Agenda) error) (string, error) {
	start, end, a, err := agendaSpan(body)
	switch {
	case errors.Is(err, ErrNoAgenda) && !strings.Contains(body, "<!-- mentorbot:"+AgendaMarkerKind+":"):
		sep := "\n\n## Agenda\n\n"
		if strings.TrimSpace(body) == "" {
			sep = "## Agenda\n\n"
		}
		body = strings.TrimRight(body, "\n") + sep
		start, end = len(body), len(body)
	case err != nil:
		return "", err
	}
	if err := change(&a); err != nil {
		return "", err
	}
	section, err := renderAgenda(a)
	if err != nil {
		return "", err
	}
	out := body[:start] + section + body[end:]
	if end == len(body) {
		out += "\n"
	}
	return out, nil
}

// AddTalk puts a talk on the agenda of a planning issue body, after the
// talks already there; a mentee who presents again keeps their place with
// the new title (one talk per mentee; logins compare case-insensitively).
// Once two talks are on the agenda it ticks the first step (see
// TickInterest).
func AddTalk(body string, t Talk) (string, error) {
	t.Title = oneLine(t.Title)
	if err := checkTalk(t); err != nil {
		return "", err
	}
	out, err := rewriteAgenda(body, func(a *Agenda) error {
		for i := range a.Talks {
			if strings.EqualFold(a.Talks[i].Login, t.Login) {
				a.Talks[i].Title = t.Title
				return nil
			}
		}
		a.Talks = append(a.Talks, t)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("add talk by %s: %w", t.Login, err)
	}
	out, _ = TickInterest(out)
	return out, nil
}

// RemoveTalk takes a mentee's talk off the agenda. removed is false (and
// the body unchanged) when the mentee had no talk. The first step stays
// ticked: once ticked, it is the organisers' call.
func RemoveTalk(body, login string) (out string, removed bool, err error) {
	out, err = rewriteAgenda(body, func(a *Agenda) error {
		for i := range a.Talks {
			if strings.EqualFold(a.Talks[i].Login, login) {
				a.Talks = append(a.Talks[:i:i], a.Talks[i+1:]...)
				removed = true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("remove talk by %s: %w", login, err)
	}
	if !removed {
		return body, false, nil
	}
	return out, true, nil
}

// LinkLearnings links the learnings issue from the "Learnings" talk of the
// agenda.
func LinkLearnings(body, learningsURL string) (string, error) {
	if !safeURL(learningsURL) {
		return "", fmt.Errorf("link learnings issue %q: %w", learningsURL, ErrInvalidURL)
	}
	out, err := rewriteAgenda(body, func(a *Agenda) error {
		a.LearningsURL = learningsURL
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("link learnings issue: %w", err)
	}
	return out, nil
}

// TickInterest ticks the first step ("at least two mentees are interested")
// when the agenda has two talks or more. It reports whether it changed the
// body; a step people removed, or ticked already, is left alone.
func TickInterest(body string) (string, bool) {
	a, err := ReadAgenda(body)
	if err != nil || len(a.Talks) < 2 {
		return body, false
	}
	marker := markers.New(StepMarkerKind, "interest")
	lines := strings.SplitAfter(body, "\n")
	for i, line := range lines {
		if !strings.Contains(line, marker) {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		rest := line[indent:]
		for _, open := range []string{"- [ ] ", "* [ ] ", "+ [ ] "} {
			if strings.HasPrefix(rest, open) {
				lines[i] = line[:indent] + open[:1] + " [x] " + rest[len(open):]
				return strings.Join(lines, ""), true
			}
		}
		return body, false
	}
	return body, false
}

// InviteComment asks a mentee whether they would like to present at the
// meetup. It is posted on the mentee's tracking issue; planningURL links the
// planning issue where they sign up (when empty, the comment says "the
// planning issue" without a link). login must be a GitHub login (from the
// roster).
func InviteComment(program, login, planningURL string) (string, error) {
	if !mdsafe.ValidLogin(login) {
		return "", fmt.Errorf("invite %q to present: not a GitHub login", login)
	}
	var b strings.Builder
	b.WriteString(markers.New(InviteMarkerKind, login) + "\n")
	fmt.Fprintf(&b, "Hi %s! As **%s** comes to an end, we are planning a virtual **Mentees Meetup**, "+
		"where mentees share what they built and learned. Would you like to present?\n\n", mdsafe.Mention(login), mdsafe.Text(program))
	b.WriteString("- A talk is 15–20 minutes plus 5 minutes of Q&A, about the state of your project, or what you learned and how.\n")
	b.WriteString("- Your mentors can help you with the title, a short description and an outline.\n")
	where := "the planning issue"
	if safeURL(planningURL) {
		where = "[the planning issue](" + planningURL + ")"
	}
	fmt.Fprintf(&b, "- To sign up, comment `/meetup present <title>` on %s; `/meetup withdraw` takes your talk off the agenda.\n", where)
	fmt.Fprintf(&b, "- Would you like to help organise the meetup too? Say so on %s: it is good organisational practice.\n\n", where)
	b.WriteString("Presenting is optional, and saying no is completely fine.\n")
	return b.String(), nil
}

// InterestTicked reports whether the first step ("at least two mentees are
// interested") is ticked in a planning issue body.
func InterestTicked(body string) bool {
	marker := markers.New(StepMarkerKind, "interest")
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, marker) {
			rest := strings.TrimLeft(line, " ")
			return len(rest) > 5 && strings.ContainsAny(rest[:1], "-*+") && (rest[1:6] == " [x] " || rest[1:6] == " [X] ")
		}
	}
	return false
}
