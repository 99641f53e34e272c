// Package writeonce is the one way mentorbot writes its own text on GitHub:
// every comment, issue and edit of a body the bot makes goes through a
// Writer, and no other package calls go-github's create, edit or delete
// calls for comments and issues (a test in this package checks that).
//
// The rule, whoever runs the job (a redelivered webhook, a restarted
// process, two replicas, a manual run next to the CronJob):
//
//  1. Find: look for the marker (`<!-- mentorbot:KIND:KEY -->`) among the
//     comments or issues the bot itself wrote. Text anybody else wrote never
//     counts: a stranger who types the marker suppresses nothing.
//  2. Write, only when nothing was found. A write that failed in a way that
//     may still have been applied (a 5xx, a timeout) is not sent again
//     blindly: the writer reads again, and writes again only when its text is
//     still missing.
//  3. Settle: read again. When several copies exist (two processes both
//     found nothing and both wrote), the lowest comment id or issue number
//     wins, every process agrees on it, and the others are deleted
//     (comments) or closed with a pointer to the winner (issues).
//
// In-place updates read the current text right before writing and skip the
// write when nothing changes; callers render deterministically, so two
// writers converge on the same text.
//
// Reads are conditional: the installation client's ETag cache turns an
// unchanged list into a 304, which costs no rate limit.
package writeonce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Issues is the part of go-github's IssuesService the primitive needs; it
// is the only code that may call the write methods. *github.IssuesService
// implements it; tests use recording fakes.
type Issues interface {
	ListComments(ctx context.Context, owner, repo string, number int, opts *github.IssueListCommentsOptions) ([]*github.IssueComment, *github.Response, error)
	CreateComment(ctx context.Context, owner, repo string, number int, comment *github.IssueComment) (*github.IssueComment, *github.Response, error)
	EditComment(ctx context.Context, owner, repo string, commentID int64, comment *github.IssueComment) (*github.IssueComment, *github.Response, error)
	DeleteComment(ctx context.Context, owner, repo string, commentID int64) (*github.Response, error)

	ListByRepo(ctx context.Context, owner, repo string, opts *github.IssueListByRepoOptions) ([]*github.Issue, *github.Response, error)
	Get(ctx context.Context, owner, repo string, number int) (*github.Issue, *github.Response, error)
	Create(ctx context.Context, owner, repo string, issue *github.IssueRequest) (*github.Issue, *github.Response, error)
	Edit(ctx context.Context, owner, repo string, number int, issue *github.IssueRequest) (*github.Issue, *github.Response, error)
}

// Interface is what jobs write through (a narrow interface instead of the
// whole GitHub client); *Writer implements it, and tests of a job can use
// a recording fake.
type Interface interface {
	CommentOnce(ctx context.Context, ref policy.IssueRef, kind, key, body string) (Comment, error)
	CommentAfterFind(ctx context.Context, ref policy.IssueRef, kind, key, body string) (Comment, error)
	FindComment(ctx context.Context, ref policy.IssueRef, kind, key string) (Comment, bool, error)
	UpdateComment(ctx context.Context, ref policy.IssueRef, kind, key string, change func(body string) (string, error)) (Comment, bool, error)
	OpenIssueOnce(ctx context.Context, owner, repo, kind, key string, ni NewIssue) (Issue, error)
	FindIssue(ctx context.Context, owner, repo, kind, key string) (Issue, bool, error)
	UpdateIssueBody(ctx context.Context, ref policy.IssueRef, change func(body string) (string, error)) (string, error)
	MergeIssueBody(ctx context.Context, ref policy.IssueRef, change func(body string) (string, error)) (string, error)
	// OpenedByBot lists the issues the bot opened in owner/repo (see
	// ListOpenedBy), for callers that look many markers up in one list.
	OpenedByBot(ctx context.Context, owner, repo string) ([]*github.Issue, error)
}

var _ Interface = (*Writer)(nil)

// Writer writes the bot's marked text once. It holds no state between
// calls: GitHub is the record. It is safe for concurrent use when its
// Issues is.
type Writer struct {
	gh  Issues
	bot string
	// attempts bounds the writes of one call after ambiguous failures.
	attempts int
}

// New returns a Writer acting as botLogin ("<slug>[bot]").
func New(gh Issues, botLogin string) *Writer {
	return &Writer{gh: gh, bot: botLogin, attempts: 3}
}

// For returns the Writer of an installation client.
func For(c *github.Client, botLogin string) *Writer { return New(c.Issues, botLogin) }

// Comment is the marked comment that stays on the issue.
type Comment struct {
	ID   int64
	URL  string
	Body string
	// Written is true when this call wrote the comment that stays; false
	// when it was there already, another process's copy won, or a write
	// that failed ambiguously turned out to have landed (whose copy it is
	// cannot be told then).
	Written bool
}

// Issue is the marked issue that stays.
type Issue struct {
	Number int
	URL    string
	Body   string
	// Comments is the issue's comment count as last read.
	Comments int
	// Written is true when this call opened the issue that stays.
	Written bool
}

// NewIssue is what OpenIssueOnce opens.
type NewIssue struct {
	Title, Body string
	Assignees   []string
	Labels      []string
}

// WithMarker returns body carrying the marker kind:key, appending it on a
// line of its own when missing.
func WithMarker(body, kind, key string) string {
	if markers.Has(body, kind, key) {
		return body
	}
	return strings.TrimRight(body, "\n") + "\n\n" + markers.New(kind, key) + "\n"
}

// CommentOnce leaves exactly one comment by the bot carrying kind:key on
// the issue or pull request ref: it finds it, or writes body (with the
// marker appended when missing), then settles with concurrent writers.
func (w *Writer) CommentOnce(ctx context.Context, ref policy.IssueRef, kind, key, body string) (Comment, error) {
	return w.commentOnce(ctx, ref, kind, key, body, false)
}

// CommentAfterFind is CommentOnce for a caller that has just looked for
// kind:key on ref with FindComment and found nothing: it writes at once,
// then settles as CommentOnce does, so a copy another process wrote in
// between is still found and only one stays. It saves the first read (the
// welcome's storm budget counts it).
func (w *Writer) CommentAfterFind(ctx context.Context, ref policy.IssueRef, kind, key, body string) (Comment, error) {
	return w.commentOnce(ctx, ref, kind, key, body, true)
}

func (w *Writer) commentOnce(ctx context.Context, ref policy.IssueRef, kind, key, body string, knownAbsent bool) (Comment, error) {
	body = WithMarker(body, kind, key)
	var failed error
	for attempt := 1; ; attempt++ {
		var found []*github.IssueComment
		if !knownAbsent || attempt > 1 {
			var err error
			if found, err = w.markedComments(ctx, ref, kind, key); err != nil {
				return Comment{}, errors.Join(failed, err)
			}
		}
		if len(found) > 0 {
			win, err := w.settleComments(ctx, ref, found)
			return commentOf(win, false), err
		}
		if failed != nil && !writeAgain(ctx, failed, attempt, w.attempts) {
			return Comment{}, fmt.Errorf("comment %s:%s on %s: %w", kind, key, ref, failed)
		}
		cm, _, err := w.gh.CreateComment(ctx, ref.Owner, ref.Repo, ref.Number, &github.IssueComment{Body: github.String(body)})
		if err != nil {
			if ctx.Err() != nil || !Ambiguous(err) {
				return Comment{}, fmt.Errorf("comment %s:%s on %s: %w", kind, key, ref, err)
			}
			zerolog.Ctx(ctx).Warn().Err(err).Str("marker", kind+":"+key).Str("issue", ref.String()).
				Msg("comment may or may not have been written, reading again")
			failed = err
			continue
		}
		if cm.GetID() == 0 {
			// A dry run answers writes with an empty object.
			return Comment{Body: body, Written: true}, nil
		}
		zerolog.Ctx(ctx).Info().Str("marker", kind+":"+key).Str("issue", ref.String()).Int64("comment", cm.GetID()).Msg("commented")
		found, err = w.markedComments(ctx, ref, kind, key)
		if err != nil {
			return commentOf(cm, true), fmt.Errorf("settle comment %s:%s on %s: %w", kind, key, ref, err)
		}
		found = appendIfMissing(found, cm)
		win, err := w.settleComments(ctx, ref, found)
		return commentOf(win, win.GetID() == cm.GetID()), err
	}
}

// FindComment returns the bot's comment carrying kind:key on ref (the
// lowest id when several do), or false.
func (w *Writer) FindComment(ctx context.Context, ref policy.IssueRef, kind, key string) (Comment, bool, error) {
	found, err := w.markedComments(ctx, ref, kind, key)
	if err != nil || len(found) == 0 {
		return Comment{}, false, err
	}
	return commentOf(found[0], false), true, nil
}

// UpdateComment rewrites the bot's comment carrying kind:key on ref with
// change, reading it right before writing; it writes nothing when change
// leaves the text as it is, or when there is no such comment (false).
// change must be deterministic (the same input gives the same output), so
// that two writers converge.
func (w *Writer) UpdateComment(ctx context.Context, ref policy.IssueRef, kind, key string, change func(body string) (string, error)) (Comment, bool, error) {
	found, err := w.markedComments(ctx, ref, kind, key)
	if err != nil || len(found) == 0 {
		return Comment{}, false, err
	}
	win, err := w.settleComments(ctx, ref, found)
	if err != nil {
		return Comment{}, true, err
	}
	out, err := change(win.GetBody())
	if err != nil {
		return commentOf(win, false), true, fmt.Errorf("rewrite comment %s:%s on %s: %w", kind, key, ref, err)
	}
	out = WithMarker(out, kind, key)
	if out == win.GetBody() {
		return commentOf(win, false), true, nil
	}
	if _, _, err := w.gh.EditComment(ctx, ref.Owner, ref.Repo, win.GetID(), &github.IssueComment{Body: github.String(out)}); err != nil {
		return commentOf(win, false), true, fmt.Errorf("update comment %s:%s on %s: %w", kind, key, ref, err)
	}
	return Comment{ID: win.GetID(), URL: win.GetHTMLURL(), Body: out, Written: true}, true, nil
}

// UpdateIssueBody rewrites the body of issue ref with change, reading it
// right before writing (edits people or other runs made meanwhile are
// kept), and writes only when change altered it. It returns the body now on
// GitHub. change must be deterministic, so that two writers converge.
func (w *Writer) UpdateIssueBody(ctx context.Context, ref policy.IssueRef, change func(body string) (string, error)) (string, error) {
	out, _, err := w.updateIssueBody(ctx, ref, change)
	return out, err
}

// updateIssueBody is UpdateIssueBody that also says whether it wrote.
func (w *Writer) updateIssueBody(ctx context.Context, ref policy.IssueRef, change func(body string) (string, error)) (string, bool, error) {
	is, _, err := w.gh.Get(ctx, ref.Owner, ref.Repo, ref.Number)
	if err != nil {
		return "", false, fmt.Errorf("read %s: %w", ref, err)
	}
	body := is.GetBody()
	out, err := change(body)
	if err != nil {
		return body, false, fmt.Errorf("rewrite %s: %w", ref, err)
	}
	if out == body {
		return body, false, nil
	}
	// An edit sends the whole body: sending it again after a 5xx writes the
	// same text, so the client's retries are safe here.
	if _, _, err := w.gh.Edit(ctx, ref.Owner, ref.Repo, ref.Number, &github.IssueRequest{Body: github.String(out)}); err != nil {
		return body, false, fmt.Errorf("update %s: %w", ref, err)
	}
	return out, true, nil
}

// MergeIssueBody is UpdateIssueBody for a change that other writers' changes
// must not undo, such as adding or removing one talk of an agenda: two
// writers that read the same body and each write their change would lose
// the first one, and GitHub has no conditional write for an issue body. So
// after writing it waits about as long as its own read and write took (the
// window in which another writer's stale write can still land), reads
// again, and applies change once more if its effect is gone, at most
// w.attempts times. change must be idempotent (applying it to its own
// output changes nothing), so that a change already in place costs no write.
func (w *Writer) MergeIssueBody(ctx context.Context, ref policy.IssueRef, change func(body string) (string, error)) (string, error) {
	for attempt := 1; ; attempt++ {
		start := time.Now()
		out, wrote, err := w.updateIssueBody(ctx, ref, change)
		if err != nil || !wrote || attempt >= w.attempts {
			// Nothing written: the change was in place already, and there
			// is no write of ours for another writer to undo.
			return out, err
		}
		took := time.Since(start)
		if err := ghclient.SleepContext(ctx, min(2*took+50*time.Millisecond, 5*time.Second)); err != nil {
			return out, nil // the write is done; only the check was cut short
		}
		is, _, err := w.gh.Get(ctx, ref.Owner, ref.Repo, ref.Number)
		if err != nil {
			return out, fmt.Errorf("read %s again: %w", ref, err)
		}
		again, err := change(is.GetBody())
		if err != nil {
			return is.GetBody(), fmt.Errorf("rewrite %s again: %w", ref, err)
		}
		if again == is.GetBody() {
			return is.GetBody(), nil // our change is in place
		}
		zerolog.Ctx(ctx).Warn().Str("issue", ref.String()).Int("attempt", attempt).
			Msg("a concurrent edit undid this change, applying it again")
	}
}

// OpenIssueOnce leaves exactly one open-or-closed issue by the bot carrying
// kind:key in owner/repo: it finds it among the issues the bot opened, or
// opens ni (its body carrying the marker), then settles with concurrent
// writers: the lowest number wins, and every other copy is closed with a
// comment pointing at the winner. A 4xx from GitHub (e.g. an assignee it
// refuses) is returned as is: nothing was written, and the caller may try
// again with other fields.
func (w *Writer) OpenIssueOnce(ctx context.Context, owner, repo, kind, key string, ni NewIssue) (Issue, error) {
	body := WithMarker(ni.Body, kind, key)
	req := &github.IssueRequest{Title: github.String(ni.Title), Body: github.String(body)}
	if len(ni.Assignees) > 0 {
		req.Assignees = &ni.Assignees
	}
	if len(ni.Labels) > 0 {
		req.Labels = &ni.Labels
	}
	var failed error
	for attempt := 1; ; attempt++ {
		found, err := w.markedIssues(ctx, owner, repo, kind, key)
		if err != nil {
			return Issue{}, errors.Join(failed, err)
		}
		if len(found) > 0 {
			win, err := w.settleIssues(ctx, owner, repo, found)
			return issueOf(win, false), err
		}
		if failed != nil && !writeAgain(ctx, failed, attempt, w.attempts) {
			return Issue{}, fmt.Errorf("open issue %s:%s in %s/%s: %w", kind, key, owner, repo, failed)
		}
		is, _, err := w.gh.Create(ctx, owner, repo, req)
		if err != nil {
			if ctx.Err() != nil || !Ambiguous(err) {
				return Issue{}, fmt.Errorf("open issue %s:%s in %s/%s: %w", kind, key, owner, repo, err)
			}
			zerolog.Ctx(ctx).Warn().Err(err).Str("marker", kind+":"+key).Str("repo", owner+"/"+repo).
				Msg("issue may or may not have been opened, reading again")
			failed = err
			continue
		}
		if is.GetNumber() == 0 {
			return Issue{Body: body, Written: true}, nil // dry run
		}
		zerolog.Ctx(ctx).Info().Str("marker", kind+":"+key).Str("repo", owner+"/"+repo).Int("issue", is.GetNumber()).Msg("opened issue")
		found, err = w.markedIssues(ctx, owner, repo, kind, key)
		if err != nil {
			return issueOf(is, true), fmt.Errorf("settle issue %s:%s in %s/%s: %w", kind, key, owner, repo, err)
		}
		if !containsIssue(found, is.GetNumber()) {
			found = append(found, is)
			sortIssues(found)
		}
		win, err := w.settleIssues(ctx, owner, repo, found)
		return issueOf(win, win.GetNumber() == is.GetNumber()), err
	}
}

// FindIssue returns the bot's issue carrying kind:key in owner/repo (the
// lowest number when several do), or false.
func (w *Writer) FindIssue(ctx context.Context, owner, repo, kind, key string) (Issue, bool, error) {
	found, err := w.markedIssues(ctx, owner, repo, kind, key)
	if err != nil || len(found) == 0 {
		return Issue{}, false, err
	}
	return issueOf(found[0], false), true, nil
}

// DuplicateKind is the marker kind of the comment that points a closed
// duplicate issue at the one that stays.
const DuplicateKind = "duplicate-of"

// settleComments keeps the lowest-id comment of found (sorted, non-empty)
// and deletes the others, whoever of the racing processes wrote them: each
// process deletes every copy but the winner, so a process that died before
// settling leaves nothing behind once anyone settles.
func (w *Writer) settleComments(ctx context.Context, ref policy.IssueRef, found []*github.IssueComment) (*github.IssueComment, error) {
	win := found[0]
	var errs []error
	for _, dup := range found[1:] {
		zerolog.Ctx(ctx).Info().Int64("kept", win.GetID()).Int64("deleted", dup.GetID()).Str("issue", ref.String()).
			Msg("a concurrent run wrote the same comment, keeping the first")
		if _, err := w.gh.DeleteComment(ctx, ref.Owner, ref.Repo, dup.GetID()); err != nil && !ghclient.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete duplicate comment %d on %s: %w", dup.GetID(), ref, err))
		}
	}
	return win, errors.Join(errs...)
}

// settleIssues keeps the lowest-numbered issue of found (sorted, non-empty)
// and closes the others that are still open, each with a comment pointing
// at the winner.
func (w *Writer) settleIssues(ctx context.Context, owner, repo string, found []*github.Issue) (*github.Issue, error) {
	win := found[0]
	var errs []error
	for _, dup := range found[1:] {
		if dup.GetState() == "closed" {
			continue
		}
		ref := policy.IssueRef{Owner: owner, Repo: repo, Number: dup.GetNumber()}
		zerolog.Ctx(ctx).Info().Int("kept", win.GetNumber()).Int("closed", dup.GetNumber()).Str("repo", owner+"/"+repo).
			Msg("a concurrent run opened the same issue, keeping the first")
		note := fmt.Sprintf("Duplicate of #%d: two runs of mentorbot opened this issue at the same moment, and the first one stays.", win.GetNumber())
		if _, err := w.CommentOnce(ctx, ref, DuplicateKind, fmt.Sprint(win.GetNumber()), note); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, _, err := w.gh.Edit(ctx, owner, repo, dup.GetNumber(), &github.IssueRequest{
			State: github.String("closed"), StateReason: github.String("not_planned"),
		}); err != nil {
			errs = append(errs, fmt.Errorf("close duplicate issue %s: %w", ref, err))
		}
	}
	return win, errors.Join(errs...)
}

// markedComments returns the bot's comments on ref that carry kind:key,
// lowest id first.
func (w *Writer) markedComments(ctx context.Context, ref policy.IssueRef, kind, key string) ([]*github.IssueComment, error) {
	var out []*github.IssueComment
	err := ghclient.Each(0, func(page int) ([]*github.IssueComment, *github.Response, error) {
		return w.gh.ListComments(ctx, ref.Owner, ref.Repo, ref.Number, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	}, func(cm *github.IssueComment) bool {
		if w.isSelf(cm.GetUser()) && markers.Has(cm.GetBody(), kind, key) {
			out = append(out, cm)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("list comments of %s: %w", ref, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GetID() < out[j].GetID() })
	return out, nil
}

// markedIssues returns the issues (not pull requests) the bot opened in
// owner/repo whose body carries kind:key, lowest number first.
func (w *Writer) markedIssues(ctx context.Context, owner, repo, kind, key string) ([]*github.Issue, error) {
	all, err := ListOpenedBy(ctx, w.gh, owner, repo, w.bot)
	if err != nil {
		return nil, err
	}
	var out []*github.Issue
	for _, is := range all {
		if markers.Has(is.GetBody(), kind, key) {
			out = append(out, is)
		}
	}
	return out, nil
}

// IssueLister lists a repository's issues; *github.IssuesService does.
type IssueLister interface {
	ListByRepo(ctx context.Context, owner, repo string, opts *github.IssueListByRepoOptions) ([]*github.Issue, *github.Response, error)
}

// OpenedByBot implements Interface.
func (w *Writer) OpenedByBot(ctx context.Context, owner, repo string) ([]*github.Issue, error) {
	return ListOpenedBy(ctx, w.gh, owner, repo, w.bot)
}

// ListOpenedBy lists every issue (open or closed, not pull requests) login
// opened in owner/repo, lowest number first. One paginated, conditional
// list serves every marker of a run; callers that look up many should call
// it once.
func ListOpenedBy(ctx context.Context, c IssueLister, owner, repo, login string) ([]*github.Issue, error) {
	opt := &github.IssueListByRepoOptions{
		Creator:     login,
		State:       "all",
		Sort:        "created",
		Direction:   "asc",
		ListOptions: github.ListOptions{PerPage: 100},
	}
	var out []*github.Issue
	err := ghclient.Each(0, func(page int) ([]*github.Issue, *github.Response, error) {
		opt.Page = page
		return c.ListByRepo(ctx, owner, repo, opt)
	}, func(is *github.Issue) bool {
		if !is.IsPullRequest() && strings.EqualFold(is.GetUser().GetLogin(), login) {
			out = append(out, is)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("list issues opened by %s in %s/%s: %w", login, owner, repo, err)
	}
	sortIssues(out)
	return out, nil
}

func (w *Writer) isSelf(u *github.User) bool {
	return w.bot != "" && strings.EqualFold(u.GetLogin(), w.bot)
}

// Ambiguous reports whether a failed write may still have been applied:
// a 5xx, or no answer at all (a timeout, a reset connection). A 4xx or a
// rate limit means GitHub did not write.
func Ambiguous(err error) bool {
	if err == nil {
		return false
	}
	var rl *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	if errors.As(err, &rl) || errors.As(err, &abuse) {
		return false
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode >= http.StatusInternalServerError
	}
	return true
}

// writeAgain reports whether a write that failed ambiguously, and whose
// text the re-read did not find, may be sent again: only when GitHub
// answered (a 5xx is final: what it did is visible to the re-read), attempts
// are left, and this process is not stopping. A write that got no answer (a
// timeout) may still be applied after the re-read, so it is not sent again:
// the error goes back to the caller, and the next run, or the redelivered
// event, finds the text or writes it.
func writeAgain(ctx context.Context, failed error, attempt, attempts int) bool {
	var er *github.ErrorResponse
	answered := errors.As(failed, &er) && er.Response != nil
	return answered && ctx.Err() == nil && attempt <= attempts
}

func commentOf(cm *github.IssueComment, written bool) Comment {
	return Comment{ID: cm.GetID(), URL: cm.GetHTMLURL(), Body: cm.GetBody(), Written: written}
}

func issueOf(is *github.Issue, written bool) Issue {
	return Issue{Number: is.GetNumber(), URL: is.GetHTMLURL(), Body: is.GetBody(), Comments: is.GetComments(), Written: written}
}

func appendIfMissing(found []*github.IssueComment, cm *github.IssueComment) []*github.IssueComment {
	for _, f := range found {
		if f.GetID() == cm.GetID() {
			return found
		}
	}
	found = append(found, cm)
	sort.Slice(found, func(i, j int) bool { return found[i].GetID() < found[j].GetID() })
	return found
}

func containsIssue(found []*github.Issue, n int) bool {
	for _, f := range found {
		if f.GetNumber() == n {
			return true
		}
	}
	return false
}

func sortIssues(is []*github.Issue) {
	sort.Slice(is, func(i, j int) bool { return is[i].GetNumber() < is[j].GetNumber() })
}
