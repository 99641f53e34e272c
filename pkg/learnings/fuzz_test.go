package learnings

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseRetrospective checks that any reply parses without panicking
// into items that have text, a section and their source.
func FuzzParseRetrospective(f *testing.F) {
	for _, s := range []string{
		"## Learnings\n- a\n  - b\n    - c\n\n  more\n",
		"**What we did well:**\r\n* x\r\n\r\nThanks!",
		"> ### Learnings\n> - quoted\nlazy\n\nLearning: y",
		"What went well\n====\n+ [x] z\n<!-- open\n- hidden",
		"- Learnings\n    1) a\n```\n- code\n",
	} {
		f.Add(s)
	}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		c := Comment{ID: 7, URL: "https://example.invalid/7", Author: "u", Body: body, CreatedAt: at, UpdatedAt: at}
		for _, it := range ParseRetrospective(Comment{Body: "### Learnings\n- _placeholder_"}, []Comment{c}) {
			if strings.TrimSpace(it.Text) == "" && len(it.Sub) == 0 {
				t.Fatalf("empty item %+v", it)
			}
			if it.Section < SectionDidWell || it.Section > SectionLearnings {
				t.Fatalf("item without a section: %+v", it)
			}
			if it.CommentID != 7 || it.URL == "" || it.Author != "u" {
				t.Fatalf("item lost its source: %+v", it)
			}
		}
		_ = LearningsBody("P", []Retrospective{{Mentee: "m", Items: ParseRetrospective(Comment{}, []Comment{c})}})
	})
}
