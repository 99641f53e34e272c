package learnings

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// loadComments reads a test case: comments separated by header lines
//
//	%%% comment id=201 author=alice created=RFC3339 [updated=RFC3339] [crlf=true]
//
// each followed by its body.
func loadComments(t *testing.T, path string) []Comment {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var (
		out  []Comment
		crlf []bool
		body []string
	)
	flush := func() {
		if len(out) == 0 {
			return
		}
		b := strings.TrimRight(strings.Join(body, "\n"), "\n")
		if crlf[len(crlf)-1] {
			b = strings.ReplaceAll(b, "\n", "\r\n")
		}
		out[len(out)-1].Body = b
		body = nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "%%% comment ") {
			body = append(body, line)
			continue
		}
		flush()
		c := Comment{}
		cr := false
		for _, kv := range strings.Fields(strings.TrimPrefix(line, "%%% comment ")) {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "id":
				c.ID, err = strconv.ParseInt(v, 10, 64)
			case "author":
				c.Author = v
			case "created":
				c.CreatedAt, err = time.Parse(time.RFC3339, v)
			case "updated":
				c.UpdatedAt, err = time.Parse(time.RFC3339, v)
			case "crlf":
				cr = v == "true"
			default:
				err = fmt.Errorf("unknown key %q", k)
			}
			if err != nil {
				t.Fatalf("%s: header %q: %v", path, line, err)
			}
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		c.URL = fmt.Sprintf("https://github.com/thanos-io/thanos/issues/7000#issuecomment-%d", c.ID)
		out = append(out, c)
		crlf = append(crlf, cr)
	}
	flush()
	return out
}

func loadTemplate(t *testing.T) Comment {
	t.Helper()
	return loadTemplateFile(t, "template.md")
}

func loadTemplateFile(t *testing.T, name string) Comment {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "retro", name))
	if err != nil {
		t.Fatal(err)
	}
	return Comment{
		ID: 100, Author: "mentorbot[bot]", Body: string(b),
		URL:       "https://github.com/thanos-io/thanos/issues/7000#issuecomment-100",
		CreatedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		UpdatedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
	}
}

// summary renders an item as "section|author|text {sub; sub} (edited)".
func summary(it Item) string {
	s := map[Section]string{SectionDidWell: "well", SectionDoBetter: "better", SectionLearnings: "learn"}[it.Section]
	s += "|" + it.Author + "|" + it.Text
	if len(it.Sub) > 0 {
		s += " {" + strings.Join(it.Sub, "; ") + "}"
	}
	if it.Edited {
		s += " (edited)"
	}
	return s
}

func TestParseRetrospective(t *testing.T) {
	for _, tc := range []struct {
		file     string
		want     []string
		template string // default template.md
	}{
		{file: "01-copied-template.txt", want: []string{
			"well|alice|Weekly 1:1 calls with @mentor-one kept me unblocked 🙌",
			"well|alice|Small PRs got merged quickly",
			"better|alice|I waited too long before asking for help in #thanos-dev",
			"learn|alice|Ask in public channels early, not after two days of being stuck.",
			"learn|alice|Split big features into small PRs, reviewers love them 🚀",
		}},
		{file: "02-bold-labels.txt", want: []string{
			"well|mentor-one|The design doc was written before any code, which saved us a lot of review rounds",
			"well|mentor-one|Alice reviewed other people's PRs {three PRs in the store gateway; one in the compactor}",
			"better|mentor-one|Our 1:1s were sometimes cancelled at short notice",
			"learn|mentor-one|Book the 1:1s as a recurring meeting from day one",
			"learn|mentor-one|Reviews from outside the mentor pair help the mentee see other styles",
		}},
		{file: "03-mixed-headings.txt", want: []string{
			"well|bob|Finished the query sharding prototype",
			"well|bob|Wrote the docs page",
			"better|bob|Estimating: I planned three features and finished one.",
			"learn|bob|Planning small milestones makes progress visible",
			"learn|bob|Writing tests first made the reviews much faster",
		}},
		{file: "04-quote-reply.txt", want: []string{
			"learn|carol|Reviews are faster when the PR description explains the why.",
			"learn|carol|Document the release process before the last week.",
			"learn|mentor-two|Pair programming sessions helped more than reading docs.",
		}},
		{file: "05-plain-lines.txt", want: []string{
			"well|dave|Communication with mentors",
			"well|dave|The CI fixes landed in the first week and unblocked everybody else",
			"learn|dave|Ask for review in the public channel.",
			"learn|dave|Keep a weekly log of progress.",
		}},
		{file: "06-nested-label-list.txt", want: []string{
			"well|erin|Shipped the new ruler API (edited)",
			"well|erin|Regular async updates in the tracking issue {every Friday} (edited)",
			"better|erin|Time zones: our overlap was one hour (edited)",
			"learn|erin|Agree on async updates from the start (edited)",
			"learn|erin|Time zones matter: plan the 1:1 slot first (edited)",
		}},
		{file: "07-code-and-comments.txt", want: []string{
			"well|frank|Benchmarks before and after every change",
			"well|frank|Profiling with pprof found the hot path",
			"learn|frank|Measure first, optimise second",
			"learn|frank|Read the existing benchmarks before writing new ones",
		}},
		{file: "08-unknown-headings.txt", want: []string{
			"learn|grace|Start with the smallest useful change",
			"better|grace|Review turnaround on my side",
			"well|grace|Onboarding was smooth",
		}},
		{file: "09-case-variations.txt", want: []string{
			"well|heidi|Shipped on time",
			"better|heidi|Fewer context switches",
			"learn|heidi|Reviews teach as much as writing code",
			"learn|heidi|Ask questions early",
		}},
		{file: "10-out-of-order.txt", want: []string{
			"well|ivan|Shipped the exemplar support :rocket: (edited)",
			"learn|ivan|Reproduce a bug with a test before fixing it (edited)",
			"learn|ivan|Write the upgrade notes together with the code.",
		}},
		{file: "11-pasted-template-block.txt", want: []string{
			"well|judy|Kept the design doc up to date",
			"learn|judy|Write the design doc first",
			"well|mentor-one|Judy asked great questions in #thanos-dev",
			"learn|mentor-one|Pairing on the first PR pays off",
		}, template: "template-digest.md"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			template := loadTemplate(t)
			if tc.template != "" {
				template = loadTemplateFile(t, tc.template)
			}
			replies := loadComments(t, filepath.Join("testdata", "retro", tc.file))
			// Callers may pass every comment of the issue, the template too.
			replies = append(replies, template)
			items := ParseRetrospective(template, replies)
			var got []string
			for _, it := range items {
				got = append(got, summary(it))
				if it.URL == "" || it.CommentID == 0 {
					t.Errorf("item %q lost its source", it.Text)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestParseRetrospectiveSmall(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		body string
		want []string
	}{
		{"empty", "", nil},
		{"only the template's placeholders", "### Learnings\n- _Actionable learnings, written after discussing the two lists above._", nil},
		{"empty placeholders", "## Learnings\n- ...\n- TBD\n- [ ]\n- none", nil},
		{"checkbox", "## Learnings\n- [X] Done thing", []string{"learn|u|Done thing"}},
		{"heading with closing hashes", "## Learnings ##\n- a", []string{"learn|u|a"}},
		{"deeper nesting is flattened into its parent", "## Learnings\n- a\n  - b\n    - c", []string{"learn|u|a {b / c}"}},
		{"continuation after blank line, indented", "## Learnings\n- a\n\n  more of a\n- b", []string{"learn|u|a more of a", "learn|u|b"}},
		{"four-space nesting under a label item", "- Learnings\n    - a\n        - a1", []string{"learn|u|a {a1}"}},
		{"indented code after a heading", "## Learnings\n    not an item", nil},
		{"emoji before a heading", "### 🎉 What we did well\n- x", []string{"well|u|x"}},
		{"emoji inside a bold label", "**✅ Learnings:**\n1. x", []string{"learn|u|x"}},
		{"curly apostrophe", "## What didn’t go well\n- x", []string{"better|u|x"}},
		{"parenthetical remark", "## Learnings (mentor)\n- x", []string{"learn|u|x"}},
		{"marker comment is the bot's", "<!-- mentorbot:digest:2026-W48 -->\n## Learnings\n- x", nil},
		{"one more learning under no title", "One more learning: x", nil},
		{"inline label", "Learnings: x", []string{"learn|u|x"}},
		{"lazy list continuation", "## Learnings\n- first line\nsecond line", []string{"learn|u|first line second line"}},
		{"unclosed fence hides the rest", "## Learnings\n```\n- x", nil},
		{"duplicates kept once", "## Learnings\n- Ask early\n- ask early!", []string{"learn|u|Ask early"}},
		{"same text in two sections", "## What we did well\n- Ask early\n## Learnings\n- Ask early",
			[]string{"well|u|Ask early", "learn|u|Ask early"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Comment{ID: 1, URL: "https://example.invalid/c/1", Author: "u", Body: tc.body, CreatedAt: at, UpdatedAt: at}
			var got []string
			for _, it := range ParseRetrospective(loadTemplate(t), []Comment{c}) {
				got = append(got, summary(it))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
