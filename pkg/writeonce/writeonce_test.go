package writeonce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/ghclient/ghclienttest"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

const bot = "mentorbot[bot]"

// fake is a recording, in-memory Issues for one repository. Hooks let a
// test act as a concurrent process at the moment a write is sent.
type fake struct {
	calls    []string
	comments map[int][]*github.IssueComment // by issue number
	issues   []*github.Issue
	nextID   int64
	nextNum  int

	// beforeCreate runs before a write is applied (another process's write
	// lands first); failCreate fails the n-th create with a status, after
	// applying it when applied is set.
	beforeCreate func()
	failCreate   map[int]failure
	creates      int
}

type failure struct {
	status  int // 0: no answer at all
	applied bool
}

func newFake() *fake {
	return &fake{comments: map[int][]*github.IssueComment{}, nextID: 100, nextNum: 1}
}

func (f *fake) call(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fake) addComment(number int, login, body string) *github.IssueComment {
	f.nextID++
	cm := &github.IssueComment{ID: github.Int64(f.nextID), Body: github.String(body), User: &github.User{Login: github.String(login)}}
	f.comments[number] = append(f.comments[number], cm)
	return cm
}

func (f *fake) addIssue(login, title, body string) *github.Issue {
	is := &github.Issue{Number: github.Int(f.nextNum), Title: github.String(title), Body: github.String(body),
		State: github.String("open"), User: &github.User{Login: github.String(login)}}
	f.nextNum++
	f.issues = append(f.issues, is)
	return is
}

// write decides a create's fate: err, and whether to apply it.
func (f *fake) write() (apply bool, err error) {
	f.creates++
	if f.beforeCreate != nil {
		hook := f.beforeCreate
		f.beforeCreate = nil
		hook()
	}
	if fl, ok := f.failCreate[f.creates]; ok {
		if fl.status == 0 {
			return fl.applied, errors.New("net/http: request canceled (Client.Timeout exceeded while awaiting headers)")
		}
		return fl.applied, ghclienttest.Status(fl.status)
	}
	return true, nil
}

func (f *fake) ListComments(_ context.Context, _, _ string, number int, _ *github.IssueListCommentsOptions) ([]*github.IssueComment, *github.Response, error) {
	f.call("list comments #%d", number)
	return append([]*github.IssueComment(nil), f.comments[number]...), &github.Response{}, nil
}

func (f *fake) CreateComment(_ context.Context, _, _ string, number int, c *github.IssueComment) (*github.IssueComment, *github.Response, error) {
	f.call("create comment #%d", number)
	apply, err := f.write()
	if !apply {
		return nil, nil, err
	}
	cm := f.addComment(number, bot, c.GetBody())
	if err != nil {
		return nil, nil, err
	}
	return cm, &github.Response{}, nil
}

func (f *fake) EditComment(_ context.Context, _, _ string, id int64, c *github.IssueComment) (*github.IssueComment, *github.Response, error) {
	f.call("edit comment %d", id)
	for _, cs := range f.comments {
		for _, cm := range cs {
			if cm.GetID() == id {
				cm.Body = github.String(c.GetBody())
				return cm, &github.Response{}, nil
			}
		}
	}
	return nil, nil, ghclienttest.Status(http.StatusNotFound)
}

func (f *fake) DeleteComment(_ context.Context, _, _ string, id int64) (*github.Response, error) {
	f.call("delete comment %d", id)
	for n, cs := range f.comments {
		for i, cm := range cs {
			if cm.GetID() == id {
				f.comments[n] = append(cs[:i:i], cs[i+1:]...)
				return &github.Response{}, nil
			}
		}
	}
	return nil, ghclienttest.Status(http.StatusNotFound)
}

func (f *fake) ListByRepo(_ context.Context, _, _ string, o *github.IssueListByRepoOptions) ([]*github.Issue, *github.Response, error) {
	f.call("list issues")
	var out []*github.Issue
	for _, is := range f.issues {
		if o.Creator == "" || is.GetUser().GetLogin() == o.Creator {
			out = append(out, is)
		}
	}
	return out, &github.Response{}, nil
}

func (f *fake) Get(_ context.Context, _, _ string, number int) (*github.Issue, *github.Response, error) {
	f.call("get issue #%d", number)
	for _, is := range f.issues {
		if is.GetNumber() == number {
			return is, &github.Response{}, nil
		}
	}
	return nil, nil, ghclienttest.Status(http.StatusNotFound)
}

func (f *fake) Create(_ context.Context, _, _ string, r *github.IssueRequest) (*github.Issue, *github.Response, error) {
	f.call("create issue")
	apply, err := f.write()
	if !apply {
		return nil, nil, err
	}
	is := f.addIssue(bot, r.GetTitle(), r.GetBody())
	if err != nil {
		return nil, nil, err
	}
	return is, &github.Response{}, nil
}

func (f *fake) Edit(_ context.Context, _, _ string, number int, r *github.IssueRequest) (*github.Issue, *github.Response, error) {
	f.call("%s", strings.TrimSpace(fmt.Sprintf("edit issue #%d %s %s", number, r.GetState(), r.GetStateReason())))
	for _, is := range f.issues {
		if is.GetNumber() == number {
			if r.Body != nil {
				is.Body = r.Body
			}
			if r.State != nil {
				is.State = r.State
			}
			return is, &github.Response{}, nil
		}
	}
	return nil, nil, ghclienttest.Status(http.StatusNotFound)
}

// botMarked returns the ids of the bot's comments on #n carrying kind:key.
func (f *fake) botMarked(n int, kind, key string) []int64 {
	var ids []int64
	for _, cm := range f.comments[n] {
		if cm.GetUser().GetLogin() == bot && strings.Contains(cm.GetBody(), "<!-- mentorbot:"+kind+":"+key+" -->") {
			ids = append(ids, cm.GetID())
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

var ref = policy.IssueRef{Owner: "o", Repo: "r", Number: 7}

func TestCommentOnce(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fake)
		// want: the id that stays, whether this call wrote it, the calls.
		wantID      int64
		wantWritten bool
		wantCalls   []string
		wantErr     bool
	}{
		{
			name:        "absent: write, then read once more to settle",
			wantID:      101,
			wantWritten: true,
			wantCalls:   []string{"list comments #7", "create comment #7", "list comments #7"},
		},
		{
			name:      "present: no write",
			setup:     func(f *fake) { f.addComment(7, bot, "hi\n<!-- mentorbot:k:v -->") },
			wantID:    101,
			wantCalls: []string{"list comments #7"},
		},
		{
			name: "a stranger's copy of the marker does not count",
			setup: func(f *fake) {
				f.addComment(7, "stranger", "<!-- mentorbot:k:v -->")
				f.addComment(7, "MentorBot[bot]", "other marker <!-- mentorbot:k:other -->")
			},
			wantID:      103,
			wantWritten: true,
			wantCalls:   []string{"list comments #7", "create comment #7", "list comments #7"},
		},
		{
			name: "a concurrent writer wrote first: ours is deleted, theirs stays",
			setup: func(f *fake) {
				f.beforeCreate = func() { f.addComment(7, bot, "theirs <!-- mentorbot:k:v -->") }
			},
			wantID:    101,
			wantCalls: []string{"list comments #7", "create comment #7", "list comments #7", "delete comment 102"},
		},
		{
			name: "duplicates left by a process that died before settling are removed",
			setup: func(f *fake) {
				f.addComment(7, bot, "a <!-- mentorbot:k:v -->")
				f.addComment(7, bot, "b <!-- mentorbot:k:v -->")
			},
			wantID:    101,
			wantCalls: []string{"list comments #7", "delete comment 102"},
		},
		{
			name:        "a 502 before GitHub wrote: read, then write again",
			setup:       func(f *fake) { f.failCreate = map[int]failure{1: {status: 502}} },
			wantID:      101,
			wantWritten: true,
			wantCalls:   []string{"list comments #7", "create comment #7", "list comments #7", "create comment #7", "list comments #7"},
		},
		{
			name:      "a 502 after GitHub wrote: read, find it, no second write",
			setup:     func(f *fake) { f.failCreate = map[int]failure{1: {status: 502, applied: true}} },
			wantID:    101,
			wantCalls: []string{"list comments #7", "create comment #7", "list comments #7"},
		},
		{
			name:      "a 422 is final: nothing was written",
			setup:     func(f *fake) { f.failCreate = map[int]failure{1: {status: 422}} },
			wantErr:   true,
			wantCalls: []string{"list comments #7", "create comment #7"},
		},
		{
			name:      "502 every time: bounded attempts",
			setup:     func(f *fake) { f.failCreate = map[int]failure{1: {status: 502}, 2: {status: 503}, 3: {status: 502}} },
			wantErr:   true,
			wantCalls: []string{"list comments #7", "create comment #7", "list comments #7", "create comment #7", "list comments #7", "create comment #7", "list comments #7"},
		},
		{
			name:      "no answer (a timeout), not written yet: read, but do not write again (it may still land)",
			setup:     func(f *fake) { f.failCreate = map[int]failure{1: {}} },
			wantErr:   true,
			wantCalls: []string{"list comments #7", "create comment #7", "list comments #7"},
		},
		{
			name:      "no answer, but written: read, find it",
			setup:     func(f *fake) { f.failCreate = map[int]failure{1: {applied: true}} },
			wantID:    101,
			wantCalls: []string{"list comments #7", "create comment #7", "list comments #7"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			if tc.setup != nil {
				tc.setup(f)
			}
			got, err := New(f, bot).CommentOnce(context.Background(), ref, "k", "v", "hello")
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if strings.Join(f.calls, "\n") != strings.Join(tc.wantCalls, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(f.calls, "\n"), strings.Join(tc.wantCalls, "\n"))
			}
			if tc.wantErr {
				if ids := f.botMarked(7, "k", "v"); len(ids) != 0 {
					t.Errorf("failed write left comments %v", ids)
				}
				return
			}
			if got.ID != tc.wantID || got.Written != tc.wantWritten {
				t.Errorf("got id %d written %v, want %d %v", got.ID, got.Written, tc.wantID, tc.wantWritten)
			}
			if ids := f.botMarked(7, "k", "v"); len(ids) != 1 || ids[0] != tc.wantID {
				t.Errorf("bot comments with the marker: %v, want exactly [%d]", ids, tc.wantID)
			}
		})
	}
}

func TestCommentOnceAppendsMarkerOnce(t *testing.T) {
	f := newFake()
	w := New(f, bot)
	if _, err := w.CommentOnce(context.Background(), ref, "k", "v", "hello\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CommentOnce(context.Background(), ref, "k", "v", "<!-- mentorbot:k:v -->\nhello"); err != nil {
		t.Fatal(err)
	}
	cs := f.comments[7]
	if len(cs) != 1 || cs[0].GetBody() != "hello\n\n<!-- mentorbot:k:v -->\n" {
		t.Errorf("comments: %+v", cs)
	}
}

// Two writers that both found nothing converge: each settles to the lowest
// id, and the one that lost deletes its own copy.
func TestCommentOnceTwoWriters(t *testing.T) {
	f := newFake()
	a, b := New(f, bot), New(f, bot)
	var second Comment
	f.beforeCreate = func() {
		// b runs its whole CommentOnce while a's write is on the wire, but
		// b's own find saw nothing: make its find run before a's write.
		f.beforeCreate = nil
		var err error
		second, err = b.CommentOnce(context.Background(), ref, "k", "v", "from b")
		if err != nil {
			t.Fatal(err)
		}
	}
	first, err := a.CommentOnce(context.Background(), ref, "k", "v", "from a")
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != second.ID {
		t.Errorf("writers disagree: a kept %d, b kept %d", first.ID, second.ID)
	}
	if first.Written == second.Written {
		t.Errorf("exactly one writer should report the write: a %v, b %v", first.Written, second.Written)
	}
	if ids := f.botMarked(7, "k", "v"); len(ids) != 1 {
		t.Errorf("bot comments with the marker: %v", ids)
	}
}

func TestOpenIssueOnce(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(f *fake)
		wantNumber  int
		wantWritten bool
		wantCalls   []string
		wantOpen    []int
	}{
		{
			name:        "absent: open, then list once more to settle",
			wantNumber:  1,
			wantWritten: true,
			wantCalls:   []string{"list issues", "create issue", "list issues"},
			wantOpen:    []int{1},
		},
		{
			name: "a stranger's issue with the marker does not count",
			setup: func(f *fake) {
				f.addIssue("stranger", "x", "<!-- mentorbot:k:v -->")
			},
			wantNumber:  2,
			wantWritten: true,
			wantCalls:   []string{"list issues", "create issue", "list issues"},
			wantOpen:    []int{1, 2},
		},
		{
			name: "a concurrent writer opened first: ours is closed with a pointer",
			setup: func(f *fake) {
				f.beforeCreate = func() { f.addIssue(bot, "t", "theirs <!-- mentorbot:k:v -->") }
			},
			wantNumber: 1,
			wantCalls: []string{"list issues", "create issue", "list issues",
				"list comments #2", "create comment #2", "list comments #2", "edit issue #2 closed not_planned"},
			wantOpen: []int{1},
		},
		{
			name:       "a 502 after GitHub opened it: no second issue",
			setup:      func(f *fake) { f.failCreate = map[int]failure{1: {status: 502, applied: true}} },
			wantNumber: 1,
			wantCalls:  []string{"list issues", "create issue", "list issues"},
			wantOpen:   []int{1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			if tc.setup != nil {
				tc.setup(f)
			}
			got, err := New(f, bot).OpenIssueOnce(context.Background(), "o", "r", "k", "v", NewIssue{Title: "t", Body: "body"})
			if err != nil {
				t.Fatal(err)
			}
			if got.Number != tc.wantNumber || got.Written != tc.wantWritten {
				t.Errorf("got #%d written %v, want #%d %v", got.Number, got.Written, tc.wantNumber, tc.wantWritten)
			}
			if strings.Join(f.calls, "\n") != strings.Join(tc.wantCalls, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(f.calls, "\n"), strings.Join(tc.wantCalls, "\n"))
			}
			var open []int
			for _, is := range f.issues {
				if is.GetState() == "open" {
					open = append(open, is.GetNumber())
				}
			}
			if fmt.Sprint(open) != fmt.Sprint(tc.wantOpen) {
				t.Errorf("open issues %v, want %v", open, tc.wantOpen)
			}
			for _, is := range f.issues {
				if is.GetState() == "closed" && !strings.Contains(f.comments[is.GetNumber()][0].GetBody(), fmt.Sprintf("Duplicate of #%d", got.Number)) {
					t.Errorf("closed duplicate #%d does not point at #%d", is.GetNumber(), got.Number)
				}
			}
		})
	}
}

func TestUpdates(t *testing.T) {
	f := newFake()
	w := New(f, bot)
	ctx := context.Background()
	is := f.addIssue(bot, "t", "a")
	upper := func(s string) (string, error) { return strings.ToUpper(s), nil }
	ir := policy.IssueRef{Owner: "o", Repo: "r", Number: is.GetNumber()}
	for i := 0; i < 2; i++ { // the second call finds the text as wanted
		if out, err := w.UpdateIssueBody(ctx, ir, upper); err != nil || out != "A" {
			t.Fatalf("UpdateIssueBody = %q, %v", out, err)
		}
	}
	f.addComment(7, "stranger", "x <!-- mentorbot:k:v -->")
	if _, ok, err := w.UpdateComment(ctx, ref, "k", "v", upper); err != nil || ok {
		t.Fatalf("UpdateComment rewrote a stranger's comment: %v %v", ok, err)
	}
	f.addComment(7, bot, "x <!-- mentorbot:k:v -->")
	for i := 0; i < 2; i++ {
		c, ok, err := w.UpdateComment(ctx, ref, "k", "v", func(s string) (string, error) { return strings.Replace(s, "x", "y", 1), nil })
		if err != nil || !ok || c.Body != "y <!-- mentorbot:k:v -->" {
			t.Fatalf("UpdateComment = %+v %v %v", c, ok, err)
		}
	}
	var edits []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, "edit") {
			edits = append(edits, c)
		}
	}
	if fmt.Sprint(edits) != "[edit issue #1 edit comment 102]" {
		t.Errorf("edits %v: want one per changed text, none for unchanged text", edits)
	}
	if _, err := w.UpdateIssueBody(ctx, ir, func(string) (string, error) { return "", errors.New("bad") }); err == nil {
		t.Error("a failing change was not reported")
	}
}

func TestAmbiguous(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{ghclienttest.Status(502), true},
		{ghclienttest.Status(500), true},
		{errors.New("read tcp: connection reset by peer"), true},
		{ghclienttest.Status(422), false},
		{ghclienttest.Status(404), false},
		{&github.RateLimitError{}, false},
		{&github.AbuseRateLimitError{}, false},
		{fmt.Errorf("post: %w", context.DeadlineExceeded), true},
	}
	for _, tc := range tests {
		if got := Ambiguous(tc.err); got != tc.want {
			t.Errorf("Ambiguous(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// staleEditor is a fake whose first edit of an issue is followed by
// another process's edit written from the body both read before: it undoes
// the first.
type staleEditor struct {
	*fake
	stale string
	done  bool
}

func (s *staleEditor) Edit(ctx context.Context, owner, repo string, number int, r *github.IssueRequest) (*github.Issue, *github.Response, error) {
	is, res, err := s.fake.Edit(ctx, owner, repo, number, r)
	if err == nil && !s.done {
		s.done = true
		is.Body = github.String(s.stale) // the other process's write lands last
	}
	return is, res, err
}

func TestMergeIssueBodyReappliesAnUndoneChange(t *testing.T) {
	add := func(line string) func(string) (string, error) {
		return func(body string) (string, error) {
			if strings.Contains(body, line) {
				return body, nil
			}
			return body + line + "\n", nil
		}
	}
	for _, tc := range []struct {
		name       string
		stale      bool
		wantEdits  int
		wantBodyOK bool
	}{
		// Nothing concurrent: one edit, then the check finds it in place.
		{"alone", false, 1, true},
		// The other process's edit from the old body undid ours: applied again.
		{"undone", true, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.addIssue(bot, "Mentees Meetup", "agenda:\n")
			gh := Issues(f)
			if tc.stale {
				// The other process added bob to the body both read.
				gh = &staleEditor{fake: f, stale: "agenda:\n- bob\n"}
			}
			w := New(gh, bot)
			out, err := w.MergeIssueBody(context.Background(), policy.IssueRef{Owner: "o", Repo: "r", Number: 1}, add("- alice"))
			if err != nil {
				t.Fatal(err)
			}
			edits := 0
			for _, c := range f.calls {
				if strings.HasPrefix(c, "edit issue #1") {
					edits++
				}
			}
			if edits != tc.wantEdits {
				t.Errorf("%d edits, want %d: %v", edits, tc.wantEdits, f.calls)
			}
			if !strings.Contains(f.issues[0].GetBody(), "- alice") || !strings.Contains(out, "- alice") {
				t.Errorf("alice's line is not on the issue: %q (returned %q)", f.issues[0].GetBody(), out)
			}
			if tc.stale && !strings.Contains(f.issues[0].GetBody(), "- bob") {
				t.Errorf("the other process's line was lost: %q", f.issues[0].GetBody())
			}
		})
	}
}
