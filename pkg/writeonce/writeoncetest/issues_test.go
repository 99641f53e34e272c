package writeoncetest_test

import (
	"context"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// The fake behaves like GitHub for the primitive: a marked comment is
// written once however often it is asked for, per issue and repository.
func TestWriterOverTheFake(t *testing.T) {
	gh := writeoncetest.New()
	w := writeonce.New(gh, writeoncetest.Bot)
	ctx := context.Background()
	a := policy.IssueRef{Owner: "o", Repo: "a", Number: 1}
	b := policy.IssueRef{Owner: "o", Repo: "b", Number: 1}
	for range 2 {
		for _, ref := range []policy.IssueRef{a, b} {
			if _, err := w.CommentOnce(ctx, ref, "digest", "2026-W45", "hello"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := len(gh.Marked(a, "digest")); got != 1 {
		t.Errorf("%d digests on %s, want 1", got, a)
	}
	if got := len(gh.Marked(b, "digest")); got != 1 {
		t.Errorf("%d digests on %s, want 1 (another repository, same number)", got, b)
	}
	is, err := w.OpenIssueOnce(ctx, "o", "m", "tracking", "alice", writeonce.NewIssue{Title: "t", Body: "b"})
	if err != nil || !is.Written || is.Number != 1 {
		t.Fatalf("OpenIssueOnce = %+v, %v", is, err)
	}
	if again, err := w.OpenIssueOnce(ctx, "o", "m", "tracking", "alice", writeonce.NewIssue{Title: "t", Body: "b"}); err != nil || again.Written {
		t.Errorf("second OpenIssueOnce = %+v, %v, want the first issue found", again, err)
	}
	if n := len(gh.Writes()); n != 3 {
		t.Errorf("writes %v, want 3 (two comments, one issue)", gh.Writes())
	}
}
