package welcome

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// Kind is the marker kind of a welcome: `<!-- mentorbot:welcome -->`.
const Kind = "welcome"

// Marker is the hidden marker every welcome carries.
func Marker() string { return markers.New(Kind, "") }

// markerPhrase is the marker as the search index sees it: GitHub indexes
// the Markdown source of comments, HTML comments included, and splits
// "mentorbot:welcome" into the words "mentorbot" and "welcome"; quoting
// keeps them a phrase (unquoted, "x:y" would be read as a qualifier).
const markerPhrase = `"mentorbot:welcome"`

// Searcher is the one GitHub call the history check makes; ghclient.API
// implements it.
type Searcher interface {
	SearchIssues(ctx context.Context, query string, opts *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error)
}

// Query returns the one search that tells whether it.Author must not be
// welcomed again, and how many results the decision needs.
//
// Why one search is enough, and what it relies on:
//
//   - scope repo: the question is "was this author welcomed in this
//     repository before?". Every welcome is a comment carrying the marker on
//     an item the author opened, so the earlier welcomes are among the
//     author's items of the same kind in the repository whose comments
//     contain the marker: `repo:O/R is:pr author:LOGIN in:comments
//     "mentorbot:welcome"`. This relies on GitHub indexing the raw Markdown
//     of comments (HTML comments included), which it does. The current item
//     is among the results too when a redelivery finds it already welcomed.
//     A stranger may have typed the marker on one item while the bot's
//     welcome is on another, so a few results are asked for (per_page=5)
//     and the job checks them for the bot's (welcomedOn).
//   - scope org: any earlier item of the same kind by the author anywhere in
//     the organisation means they are not new to it, welcomed or not:
//     `org:O is:pr author:LOGIN`. The current item may be among the results
//     (or not yet, the index lags a few seconds), so two results are enough
//     to see another one (per_page=2).
//
// GitHub's search requires is:pr or is:issue, so one search covers one kind:
// a first issue and a first pull request are each welcomed once, with texts
// that say different things. The query does not add commenter: on
// purpose: GitHub documents the app/SLUG form of a bot's login for author:
// only. So the search also finds the marker's text in comments by others;
// the job then checks that the bot wrote it (welcomedOn), and a stranger
// who types the marker suppresses nothing. The index lag is covered by
// the job's memory of what it welcomed recently (see recent).
func Query(it Item, orgWide bool) (q string, perPage int) {
	kind := "is:issue"
	if it.PullRequest {
		kind = "is:pr"
	}
	if orgWide {
		scope := "user:"
		if it.OwnerIsOrg {
			scope = "org:"
		}
		return fmt.Sprintf("%s%s %s author:%s", scope, it.Owner, kind, it.Author), 2
	}
	return fmt.Sprintf("repo:%s/%s %s author:%s in:comments %s", it.Owner, it.Repo, kind, it.Author, markerPhrase), 5
}

// Verdict is what the search said.
type Verdict int

const (
	// Unknown: nothing earlier was found; welcome.
	Unknown Verdict = iota
	// Known: welcomed before, or (scope org) an earlier contribution exists.
	Known
	// OnlyCurrent: scope org found only the current item, which already has
	// comments; whether one of them is the welcome needs a look at them.
	OnlyCurrent
)

// Judge interprets the search results for it (see Query).
func Judge(it Item, orgWide bool, res *github.IssuesSearchResult) Verdict {
	if res == nil || res.GetTotal() == 0 {
		return Unknown
	}
	if !orgWide {
		// Every result carries the marker's text in a comment: the bot's
		// welcome, or a stranger's copy (the job tells which).
		return Known
	}
	if res.GetTotal() > len(res.Issues) && len(res.Issues) > 0 {
		// More than we asked for: surely something besides the current one.
		return Known
	}
	verdict := Unknown
	for _, is := range res.Issues {
		if !isCurrent(it, is) {
			return Known
		}
		if is.GetComments() > 0 {
			verdict = OnlyCurrent
		}
	}
	return verdict
}

// isCurrent reports whether a search result is the item itself.
func isCurrent(it Item, is *github.Issue) bool {
	if is.GetNumber() != it.Number {
		return false
	}
	suffix := strings.ToLower("/repos/" + it.Owner + "/" + it.Repo)
	return strings.HasSuffix(strings.ToLower(is.GetRepositoryURL()), suffix)
}

// Writer finds and writes the bot's marked comments; *writeonce.Writer is
// one. Only comments the bot wrote count.
type Writer interface {
	FindComment(ctx context.Context, ref policy.IssueRef, kind, key string) (writeonce.Comment, bool, error)
	CommentAfterFind(ctx context.Context, ref policy.IssueRef, kind, key, body string) (writeonce.Comment, error)
}

// welcomedOn reports whether the bot welcomed the author on the item itself
// or on one of others (search results in the item's repository).
func welcomedOn(ctx context.Context, w Writer, it Item, others []*github.Issue) (bool, error) {
	refs := []policy.IssueRef{it.ref()}
	for _, is := range others {
		if n := is.GetNumber(); n != it.Number {
			refs = append(refs, policy.IssueRef{Owner: it.Owner, Repo: it.Repo, Number: n})
		}
	}
	for _, ref := range refs {
		_, ok, err := w.FindComment(ctx, ref, Kind, "")
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (it Item) ref() policy.IssueRef {
	return policy.IssueRef{Owner: it.Owner, Repo: it.Repo, Number: it.Number}
}
