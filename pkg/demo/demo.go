// Package demo plays a programme week against the built-in GitHub simulator
// and prints a readable timeline: each event, then every comment, label,
// assignment and issue the bot wrote. It needs no network and no account.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// Seed files are verbatim copies of real Thanos and Prometheus files (see
// seed/README.md), so the demo's reviewer suggestions come from real formats.
var (
	//go:embed seed/thanos-MAINTAINERS.md
	thanosMaintainers string
	//go:embed seed/prometheus-CODEOWNERS
	prometheusCodeowners string
	//go:embed seed/mentorbot.yml
	demoPolicy string
)

// Options configure Run.
type Options struct {
	// Serve, when set, keeps the simulator and the bot running on this
	// address after the tour, for sending webhooks by hand.
	Serve string
	// Verbose also prints the sweeps' decisions (· lines: why a pull request
	// waits, which reviewer candidates were kept or dropped, what was
	// already posted), the bot's debug logs and the API calls by route.
	// Without it the timeline holds what a person reads: events and writes.
	Verbose bool
	// Ready, when set, is called in serve mode once the tour is over, with
	// the bot's and the simulator's URLs (tests use it).
	Ready func(botURL, simURL string)
	// Inspect, when set, is called with the simulator once the tour is
	// over, before anything stops (tests read its recorded requests).
	Inspect func(sim *githubsim.Server)
}

// Org and repositories of the demo.
const (
	org       = "thanos-io"
	thanos    = "thanos-io/thanos"
	promlike  = "thanos-io/prometheus"
	dotGithub = "thanos-io/.github"
	instID    = 1001
)

// Jobs are the programme jobs the tour shows, in the order it shows them;
// every step names the jobs it exercises and the tour ends with this list.
var Jobs = []string{
	"enrolment",
	"mentee label",
	"welcome",
	"mentee task",
	"review-wait reminder",
	"weekly digest",
	"retrospective",
	"meetup",
	"end-of-term report",
	"learnings",
	"dashboard",
}

// step is one moment of the tour.
type step struct {
	at   time.Time
	jobs []string
	say  string
	play func() error
}

// Run plays the tour and writes the timeline to out.
func Run(ctx context.Context, out io.Writer, o Options) error {
	began := time.Now()
	start := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC) // a Monday
	lvl := zerolog.WarnLevel
	if o.Verbose {
		lvl = zerolog.DebugLevel
	}
	h, err := simbot.Start(nil, simbot.Options{Start: start, LogLevel: lvl, Addr: o.Serve})
	if err != nil {
		return err
	}
	defer func() { _ = h.Stop() }()
	sim := h.Sim
	seed(sim, start)

	t := &timeline{out: out, h: h, verbose: o.Verbose, shown: map[string]time.Time{}}
	t.header()

	day := 24 * time.Hour
	comment := func(repo string, number int, who, body string) error {
		id := sim.AddComment(repo, number, who, body, h.Clock.Now())
		return t.deliver("issue_comment", sim.IssueCommentEvent("created", repo, number, id))
	}
	// The bot numbers the issues it opens; the tour finds them by title.
	issueTitled := func(prefix string) int {
		for n := 1; ; n++ {
			is, ok := sim.Issue(thanos, n)
			if !ok {
				return 0
			}
			if strings.HasPrefix(is.Title, prefix) {
				return n
			}
		}
	}
	steps := []step{
		{start, []string{"enrolment"}, "the app is installed on thanos-io; bob is on the roster without a tracking issue", func() error {
			return t.deliver("installation", sim.InstallationEvent("created", instID, "bwplotka"))
		}},
		{start.Add(5 * time.Minute), []string{"mentee label", "welcome"}, "mentee @alice opens thanos-io/thanos#10 (touches pkg/store/)", func() error {
			return t.deliver("pull_request", sim.PullRequestEvent("opened", thanos, 10, "alice"))
		}},
		{start.Add(10 * time.Minute), []string{"welcome"}, "first-time contributor @carol opens thanos-io/prometheus#3", func() error {
			return t.deliver("pull_request", sim.PullRequestEvent("opened", promlike, 3, "carol"))
		}},
		{start.Add(12 * time.Minute), nil, "dependabot[bot] opens thanos-io/thanos#11 (bots are ignored)", func() error {
			return t.deliver("pull_request", sim.PullRequestEvent("opened", thanos, 11, "dependabot[bot]"))
		}},
		{start.Add(15 * time.Minute), nil, "mentee @bob comments on thanos-io/thanos#4: \"I would like to work on this\"", func() error {
			return comment(thanos, 4, "bob", "I would like to work on this!")
		}},
		{start.Add(20 * time.Minute), []string{"mentee task"}, "mentor @bwplotka comments `/mentee-task @bob` on thanos-io/thanos#4", func() error {
			return comment(thanos, 4, "bwplotka", "Good first step for Bob.\n\n/mentee-task @bob")
		}},
		{start.Add(20*time.Minute + 30*time.Second), []string{"mentee task"}, "a stranger, @mallory, tries `/mentee-task` on thanos-io/thanos#4", func() error {
			return comment(thanos, 4, "mallory", "/mentee-task")
		}},
		{start.Add(3*day + time.Hour), []string{"review-wait reminder"}, "three business days pass without a review: `mentorbot remind` runs", func() error {
			return t.sweep(ctx, "remind")
		}},
		{start.Add(7 * day), []string{"weekly digest", "retrospective", "meetup"}, "Monday 09:00: the week ends, `mentorbot digest` runs; the term ends on Friday, so the Mentees Meetup is planned too", func() error {
			return t.sweep(ctx, "digest")
		}},
		{start.Add(7*day + 3*time.Hour), []string{"meetup"}, "@alice answers on the planning issue: `/meetup present Streaming postings in the store gateway`", func() error {
			return comment(thanos, issueTitled("Mentees Meetup:"), "alice", "Count me in!\n\n/meetup present Streaming postings in the store gateway")
		}},
		{start.Add(7*day + 4*time.Hour), []string{"meetup"}, "@bob answers on his tracking issue: `/meetup present My first month in Thanos`", func() error {
			return comment(thanos, issueTitled("Mentorship: @bob"), "bob", "/meetup present My first month in Thanos")
		}},
		{start.Add(11*day + 9*time.Hour), []string{"retrospective"}, "Friday 27 Nov, the last day of the term: the sweep posts the retrospective templates", func() error {
			return t.sweep(ctx, "digest")
		}},
		{start.Add(11*day + 10*time.Hour), nil, "@alice and @bob hold their retrospectives and reply under the template", func() error {
			if err := comment(thanos, 1, "alice", aliceRetro); err != nil {
				return err
			}
			return comment(thanos, issueTitled("Mentorship: @bob"), "bob", bobRetro)
		}},
		{start.Add(14 * day), []string{"weekly digest", "end-of-term report"}, "Monday after the term: last digest and the end-of-term report", func() error {
			return t.sweep(ctx, "digest")
		}},
		{start.Add(21 * day), []string{"learnings"}, "a week after the term (retrospective.collect_after: 168h): the sweep rolls the learnings up", func() error {
			return t.sweep(ctx, "digest")
		}},
		{start.Add(21*day + time.Hour), []string{"dashboard"}, "the programme dashboard, which every digest sweep keeps up to date in place (it mentions nobody)", func() error {
			is, ok := sim.Issue(thanos, issueTitled("Mentorship dashboard:"))
			if !ok {
				return fmt.Errorf("no dashboard issue")
			}
			fmt.Fprintf(t.out, "  %s#%d %s\n%s\n", thanos, is.Number, is.Title, indent(strings.TrimSpace(marker.ReplaceAllString(is.Body, ""))))
			return nil
		}},
	}
	for _, s := range steps {
		h.Clock.Set(s.at)
		t.event(s.at, s.jobs, s.say)
		if err := s.play(); err != nil {
			return fmt.Errorf("%s: %w", s.say, err)
		}
		t.logs()
		t.writes()
	}
	t.footer(time.Since(began))
	if o.Inspect != nil {
		o.Inspect(sim)
	}
	if v := sim.Violations(); len(v) > 0 {
		return fmt.Errorf("the bot made requests GitHub does not define: %v", v)
	}
	if o.Serve != "" {
		fmt.Fprintf(out, "\nServing: the bot at %s (webhooks at %s/api/github/hook, secret %q), the simulated GitHub at %s.\n", h.URL, h.URL, simbot.Secret, sim.URL())
		fmt.Fprintf(out, "Send your own webhooks (README.md, \"Try it by hand\"); the bot's writes are printed below as they happen. Ctrl-C stops.\n")
		if o.Ready != nil {
			o.Ready(h.URL, sim.URL())
		}
		t.follow(ctx)
	}
	return nil
}

// The retrospectives the mentees write in the tour: one with the
// template's headings, one with bold labels and a numbered list.
const (
	aliceRetro = `### What we did well

- Weekly 1:1s kept the work moving
- Small, focused PRs

### What we could do better

- Ask for reviews earlier instead of waiting in silence

### Learnings

- Writing the benchmark first makes the review faster
`
	bobRetro = `Thanks for the term! Ours:

**What went well**
1. Pairing on the compactor with bwplotka

**What could be better**
1. Too many meetings in the first week

**Learnings**
1. A review is a conversation, not a verdict
`
)

func seed(sim *githubsim.Server, now time.Time) {
	for _, u := range []string{"alice", "bob", "carol", "mallory", "bwplotka", "GiedriusS", "yeya24", "saswatamcode", "fpetkovski", "jesusvazquez", "codesome"} {
		sim.AddUser(u, "User")
	}
	sim.AddUser("dependabot[bot]", "Bot")
	sim.AddOrg(org, "bwplotka", "GiedriusS", "yeya24", "saswatamcode", "fpetkovski", "jesusvazquez", "codesome")
	sim.AddTeam(org, "default-maintainers", "jesusvazquez", "codesome")
	sim.AddRepo(dotGithub, githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": demoPolicy}})
	sim.AddRepo(thanos, githubsim.RepoOptions{Files: map[string]string{
		"MAINTAINERS.md":  thanosMaintainers,
		"CONTRIBUTING.md": "# Contributing to Thanos\n",
	}})
	sim.AddRepo(promlike, githubsim.RepoOptions{Files: map[string]string{
		".github/CODEOWNERS": strings.ReplaceAll(prometheusCodeowners, "@prometheus/", "@thanos-io/"),
	}})
	sim.AddInstallation(instID, org, dotGithub, thanos, promlike)

	// History: who changed what, for suggestions from path history.
	for i, c := range []struct{ who, path string }{
		{"yeya24", "pkg/store/bucket.go"}, {"yeya24", "pkg/store/proxy.go"}, {"fpetkovski", "pkg/store/lazy_postings.go"},
		{"saswatamcode", "pkg/store/bucket.go"}, {"bwplotka", "pkg/store/bucket.go"}, {"GiedriusS", "cmd/thanos/store.go"},
	} {
		sim.AddCommit(thanos, githubsim.Commit{Author: c.who, Message: "store: change " + c.path, Date: now.Add(-time.Duration(10+i) * 24 * time.Hour), Files: []string{c.path}})
	}
	sim.AddIssue(thanos, githubsim.Issue{Title: "Mentorship: @alice (LFX Mentorship 2026 Term 3)", User: "bwplotka", CreatedAt: now.AddDate(0, 0, -70)}) // #1
	sim.AddIssue(thanos, githubsim.Issue{Title: "store: flaky test in bucket_test.go", User: "GiedriusS", CreatedAt: now.AddDate(0, 0, -30)})            // #2
	sim.AddIssue(thanos, githubsim.Issue{Title: "query: document dedup flags", User: "yeya24", CreatedAt: now.AddDate(0, 0, -20)})                       // #3
	sim.AddIssue(thanos, githubsim.Issue{Title: "compact: log the block ULID on failure", User: "GiedriusS", CreatedAt: now.AddDate(0, 0, -9)})          // #4
	for n := 5; n < 10; n++ {
		sim.AddIssue(thanos, githubsim.Issue{Title: fmt.Sprintf("older issue %d", n), User: "yeya24", State: "closed", CreatedAt: now.AddDate(0, 0, -60)})
	}
	sim.AddPull(thanos, githubsim.Pull{ // #10
		Issue: githubsim.Issue{Title: "store: stream postings instead of buffering", User: "alice", Body: "Part of my mentorship project.", CreatedAt: now.Add(5 * time.Minute)},
		Files: []githubsim.PullFile{{Filename: "pkg/store/bucket.go", Additions: 40, Deletions: 12}, {Filename: "pkg/store/lazy_postings.go", Additions: 8}},
	})
	sim.AddPull(thanos, githubsim.Pull{ // #11
		Issue: githubsim.Issue{Title: "build(deps): bump golang.org/x/net", User: "dependabot[bot]", CreatedAt: now.Add(12 * time.Minute)},
		Files: []githubsim.PullFile{{Filename: "go.mod"}},
	})
	sim.AddIssue(promlike, githubsim.Issue{Title: "tsdb: compaction question", User: "jesusvazquez", CreatedAt: now.AddDate(0, 0, -3)}) // #1
	sim.AddIssue(promlike, githubsim.Issue{Title: "docs typo", User: "codesome", CreatedAt: now.AddDate(0, 0, -2)})                     // #2
	sim.AddPull(promlike, githubsim.Pull{                                                                                               // #3
		Issue: githubsim.Issue{Title: "tsdb: fix off-by-one in head truncation", User: "carol", AuthorAssociation: "FIRST_TIME_CONTRIBUTOR", CreatedAt: now.Add(10 * time.Minute)},
		Files: []githubsim.PullFile{{Filename: "tsdb/head.go", Additions: 3, Deletions: 1}},
	})
	// #4 is left for "Try it by hand": the tour never delivers its event;
	// webhooks/pull_request.opened.json is that event.
	sim.AddUser("erin", "User")
	sim.AddPull(promlike, githubsim.Pull{
		Issue: githubsim.Issue{Title: "docs: clarify the retention flags", User: "erin", AuthorAssociation: "FIRST_TIME_CONTRIBUTOR", CreatedAt: now.Add(-time.Hour)},
		Files: []githubsim.PullFile{{Filename: "docs/storage.md", Additions: 6, Deletions: 2}},
	})
}

// timeline prints events and the bot's writes.
type timeline struct {
	out     io.Writer
	h       *simbot.Bot
	verbose bool
	seen    int
	logged  int // bytes of the bot's logs already printed
	// shown is when each job first appeared.
	shown map[string]time.Time
}

func (t *timeline) header() {
	fmt.Fprintln(t.out, "mentorbot demo: a programme's last two weeks, offline, against the built-in GitHub simulator")
	fmt.Fprintln(t.out, "org thanos-io: thanos (MAINTAINERS.md, no CODEOWNERS), prometheus (CODEOWNERS), .github (mentorbot.yml)")
	fmt.Fprintln(t.out, "mentees: alice (tracking issue thanos#1), bob (none yet); mentors: bwplotka, GiedriusS; term ends Fri 27 Nov")
	if t.verbose {
		fmt.Fprintln(t.out, "each ▶ is an event; below it, · lines are the sweep's decisions, ┆ lines the bot's logs, and the rest is what the bot wrote on GitHub")
	} else {
		fmt.Fprintln(t.out, "each ▶ is an event; below it is what the bot wrote on GitHub (--verbose adds the bot's decisions and logs)")
	}
	t.seen = len(t.h.Sim.Requests())
}

func (t *timeline) event(at time.Time, jobs []string, say string) {
	tag := ""
	if len(jobs) > 0 {
		tag = "[" + strings.Join(jobs, ", ") + "] "
	}
	fmt.Fprintf(t.out, "\n▶ %s  %s%s\n", at.Format("Mon 02 Jan 15:04"), tag, say)
	for _, j := range jobs {
		if _, ok := t.shown[j]; !ok {
			t.shown[j] = at
		}
	}
}

func (t *timeline) deliver(event string, payload []byte) error {
	d, err := t.h.Sim.Deliver(context.Background(), event, payload)
	if err != nil {
		return err
	}
	if d.StatusCode/100 != 2 {
		return fmt.Errorf("delivery answered %d", d.StatusCode)
	}
	return t.h.Wait()
}

// sweep runs one sweep and, when verbose, prints its report: each entry is
// one decision. Entries that carry a comment's text keep only their first
// line, since the comment itself is printed with the writes.
func (t *timeline) sweep(ctx context.Context, name string) error {
	var report entries
	err := t.h.App.RunSweep(ctx, name, &report)
	if !t.verbose {
		return err
	}
	for _, e := range report {
		e, _, _ = strings.Cut(strings.TrimRight(e, "\n"), "\n")
		fmt.Fprintf(t.out, "  · %s\n", strings.TrimSuffix(e, ":"))
	}
	return err
}

// logs prints, when verbose, the log lines the bot wrote since the last
// call.
func (t *timeline) logs() {
	all := t.h.Logs.String()
	if t.verbose {
		for _, l := range strings.Split(strings.TrimRight(all[min(t.logged, len(all)):], "\n"), "\n") {
			if l != "" {
				fmt.Fprintf(t.out, "  ┆ %s\n", l)
			}
		}
	}
	t.logged = len(all)
}

// entries records each Write as one report entry: RunSweep writes every
// entry with a single Fprintf.
type entries []string

func (e *entries) Write(p []byte) (int, error) {
	*e = append(*e, string(p))
	return len(p), nil
}

// follow prints the bot's writes as they happen until ctx is done (serve
// mode: the webhooks come from the person trying it).
func (t *timeline) follow(ctx context.Context) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if n := len(t.h.Sim.Requests()); n > t.seen && t.h.App.Idle() {
				t.h.Clock.Set(time.Now().UTC())
				fmt.Fprintf(t.out, "\n▶ %s  a webhook you sent\n", time.Now().Format("15:04:05"))
				t.writes()
			}
		}
	}
}

// writes prints every write request the bot made since the last call.
func (t *timeline) writes() {
	reqs := t.h.Sim.Requests()
	n := 0
	for i := t.seen; i < len(reqs); i++ {
		r := reqs[i]
		if r.Method == http.MethodGet || strings.HasSuffix(r.Route, "/access_tokens") || r.Status >= 400 {
			continue
		}
		n++
		fmt.Fprintf(t.out, "  %s\n", describe(r, func() string { return previousBody(reqs[:i], r.Path, t.title(r.Path)) }))
	}
	if n == 0 {
		fmt.Fprintln(t.out, "  (the bot wrote nothing)")
	}
	t.seen = len(reqs)
}

// title returns the title of the issue at an API path
// (/repos/OWNER/REPO/issues/N).
func (t *timeline) title(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/repos/"), "/")
	if len(parts) != 4 {
		return ""
	}
	n, err := strconv.Atoi(parts[3])
	if err != nil {
		return ""
	}
	is, _ := t.h.Sim.Issue(parts[0]+"/"+parts[1], n)
	return is.Title
}

// previousBody returns the description an issue had before a PATCH to
// path: the body of the last earlier PATCH, or of the POST that opened it
// (matched by title, as the request does not carry the new number).
func previousBody(earlier []githubsim.Request, path, title string) string {
	for i := len(earlier) - 1; i >= 0; i-- {
		r := earlier[i]
		var b struct {
			Body  *string `json:"body"`
			Title string  `json:"title"`
		}
		_ = json.Unmarshal([]byte(r.Body), &b)
		if b.Body == nil {
			continue
		}
		if r.Method == http.MethodPatch && r.Path == path {
			return *b.Body
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.Route, "/issues") && strings.HasPrefix(path, r.Path+"/") && b.Title == title {
			return *b.Body
		}
	}
	return ""
}

// diff lists the lines added to and removed from a text, in order,
// ignoring the hidden markers and blank lines.
func diff(before, after string) string {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	old, cur := count(before), count(after)
	var out []string
	keep := func(l string) bool {
		return strings.TrimSpace(l) != "" && !strings.HasPrefix(strings.TrimSpace(l), "<!--")
	}
	for _, l := range strings.Split(before, "\n") {
		if cur[l] < old[l] && keep(l) {
			out = append(out, "- "+marker.ReplaceAllString(l, ""))
			old[l]--
		}
	}
	for _, l := range strings.Split(after, "\n") {
		if old[l] > 0 {
			old[l]--
			continue
		}
		if keep(l) {
			out = append(out, "+ "+marker.ReplaceAllString(l, ""))
		}
	}
	if len(out) == 0 {
		return "(no visible change)"
	}
	return strings.Join(out, "\n")
}

// describe renders one write; before returns an issue's description
// before an update.
func describe(r githubsim.Request, before func() string) string {
	var body struct {
		Body      string   `json:"body"`
		Title     string   `json:"title"`
		Labels    []string `json:"labels"`
		Assignees []string `json:"assignees"`
		Reviewers []string `json:"reviewers"`
		Name      string   `json:"name"`
		State     string   `json:"state"`
	}
	_ = json.Unmarshal([]byte(r.Body), &body)
	where := strings.TrimPrefix(r.Path, "/repos/")
	parts := strings.Split(where, "/")
	ref := where
	if len(parts) >= 4 {
		ref = parts[0] + "/" + parts[1] + "#" + parts[3]
	}
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.Route, "/comments"):
		return "💬 comment on " + ref + "\n" + indent(render(body.Body))
	case r.Method == http.MethodPatch && strings.Contains(r.Route, "/comments/"):
		return "✏️  edited comment in " + parts[0] + "/" + parts[1] + "\n" + indent(render(body.Body))
	case r.Method == http.MethodPost && strings.HasSuffix(r.Route, "/issues"):
		return fmt.Sprintf("📌 opened issue in %s/%s: %q", parts[0], parts[1], body.Title) + "\n" + indent(render(body.Body))
	case strings.HasSuffix(r.Route, "/labels") && r.Method == http.MethodPost && strings.Contains(r.Route, "/issues/"):
		return fmt.Sprintf("🏷  labelled %s: %s", ref, strings.Join(body.Labels, ", "))
	case strings.HasSuffix(r.Route, "/labels") && r.Method == http.MethodPost:
		return fmt.Sprintf("🏷  created label %q in %s/%s", body.Name, parts[0], parts[1])
	case strings.Contains(r.Route, "/labels/") && r.Method == http.MethodDelete:
		return "🏷  removed a label from " + ref
	case strings.HasSuffix(r.Route, "/assignees"):
		return fmt.Sprintf("👤 assigned %s to %s", ref, strings.Join(body.Assignees, ", "))
	case strings.HasSuffix(r.Route, "/requested_reviewers"):
		return fmt.Sprintf("👀 requested review on %s from %s", ref, strings.Join(body.Reviewers, ", "))
	case r.Method == http.MethodPatch && body.Body != "":
		return "✏️  updated the description of " + ref + "\n" + indent(diff(before(), body.Body))
	case r.Method == http.MethodPatch && body.State != "":
		return fmt.Sprintf("✏️  set %s to %s", ref, body.State)
	case r.Method == http.MethodPatch:
		return "✏️  updated " + ref
	}
	return r.Method + " " + r.Path
}

// marker matches the bot's hidden markers, which a reader on GitHub does
// not see either.
var marker = regexp.MustCompile(`\s*<!-- mentorbot:[^>]*-->`)

// render strips the hidden markers and trims the text for a terminal.
func render(md string) string {
	var out []string
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "<!-- mentorbot:") {
			continue
		}
		out = append(out, marker.ReplaceAllString(l, ""))
	}
	s := strings.TrimSpace(strings.Join(out, "\n"))
	lines := strings.Split(s, "\n")
	if len(lines) > 24 {
		lines = append(lines[:24], fmt.Sprintf("… (%d more lines)", len(lines)-24))
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	return "     │ " + strings.ReplaceAll(s, "\n", "\n     │ ")
}

func (t *timeline) footer(took time.Duration) {
	reqs := t.h.Sim.Requests()
	byRoute := map[string]int{}
	reads, writes := 0, 0
	for _, r := range reqs {
		if strings.HasSuffix(r.Route, "/access_tokens") {
			continue
		}
		byRoute[r.Method+" "+r.Route]++
		if r.Method == http.MethodGet {
			reads++
		} else {
			writes++
		}
	}
	keys := make([]string, 0, len(byRoute))
	for k := range byRoute {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return byRoute[keys[i]] > byRoute[keys[j]] || byRoute[keys[i]] == byRoute[keys[j]] && keys[i] < keys[j]
	})
	fmt.Fprintf(t.out, "\n— jobs shown\n")
	for _, j := range Jobs {
		if at, ok := t.shown[j]; ok {
			fmt.Fprintf(t.out, "  ✓ %-22s %s\n", j, at.Format("Mon 02 Jan 15:04"))
		} else {
			fmt.Fprintf(t.out, "  ✗ %-22s not shown\n", j)
		}
	}
	fmt.Fprintf(t.out, "\n— GitHub API calls: %d (%d reads, %d writes), tour took %s\n", reads+writes, reads, writes, took.Round(time.Millisecond))
	if !t.verbose {
		return
	}
	for _, k := range keys {
		fmt.Fprintf(t.out, "  %4d  %s\n", byRoute[k], k)
	}
}
