package policy

import (
	"container/list"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/appconfig"
	"github.com/rs/zerolog"
)

const (
	// RepoPath is where a repository overrides the org-wide policy.
	RepoPath = ".github/mentorbot.yml"
	// OrgRepo and OrgPath locate the org-wide policy: <org>/.github/mentorbot.yml.
	OrgRepo = ".github"
	OrgPath = "mentorbot.yml"
)

// Result is the policy in effect for one repository.
type Result struct {
	Policy Policy
	// Source names the file(s) read, base first, e.g.
	// "thanos-io/.github:mentorbot.yml + thanos-io/thanos:.github/mentorbot.yml";
	// empty when neither exists and Policy is Default().
	Source string
	// Problems found in the files. When some concern the file as a whole,
	// Policy is the last good one (Stale); when they only concern roster
	// entries, Policy is the new one without those entries (Policy.Skipped).
	Problems []Problem
	// Stale is true when Policy is not what the files say now, because they
	// are invalid: it is the last good policy for the repository, or the
	// defaults if there was none.
	Stale bool
}

// Loader loads the policy of a repository: the org's .github/mentorbot.yml
// as the base, overridden key by key by the repository's
// .github/mentorbot.yml. It remembers the last good policy of each
// repository for when a file becomes invalid. It is safe for concurrent use.
type Loader struct {
	maxSize       int
	remoteClients RemoteClients

	mu    sync.Mutex
	limit int
	order *list.List // of string keys, most recently used first
	good  map[string]*list.Element
}

type cacheEntry struct {
	key    string
	policy Policy
}

// LoaderOption configures a Loader.
type LoaderOption func(*Loader)

// WithCacheSize bounds how many repositories' last good policies are kept
// (least recently used are dropped first). The default is 10000.
func WithCacheSize(n int) LoaderOption {
	return func(l *Loader) { l.limit = max(n, 1) }
}

// WithMaxFileSize bounds the size of a policy file; larger files are invalid.
// The default is MaxFileSize.
func WithMaxFileSize(n int) LoaderOption {
	return func(l *Loader) { l.maxSize = n }
}

// NewLoader returns a Loader with an empty cache.
func NewLoader(opts ...LoaderOption) *Loader {
	l := &Loader{maxSize: MaxFileSize, limit: 10000, order: list.New(), good: map[string]*list.Element{}}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Load returns the policy in effect for owner/repo on its default branch.
// The three ways it can go are kept apart:
//   - no file in the repository nor in the org: Default(), nil error;
//   - a file cannot be read (API error, 5xx): the error is returned for the
//     caller to retry later, and the last good policy is left as it was;
//   - a file is invalid: a warning naming the problems and the source is
//     logged through the zerolog logger in ctx, and the result holds the last
//     good policy of the repository (or the defaults), Stale, with Problems
//     set. Problems confined to roster entries are the exception: those
//     entries are skipped with a warning and the rest of the file is used.
func (l *Loader) Load(ctx context.Context, client *github.Client, owner, repo string) (Result, error) {
	key := strings.ToLower(owner + "/" + repo)
	layers, err := l.fetch(ctx, client, owner, repo)
	if err != nil {
		return Result{}, fmt.Errorf("load policy for %s/%s: %w", owner, repo, err)
	}
	if len(layers) == 0 {
		p := Default()
		l.remember(key, p)
		return Result{Policy: p}, nil
	}

	names := make([]string, len(layers))
	for i, ly := range layers {
		names[i] = ly.Source
	}
	source := strings.Join(names, " + ")

	var r parsed
	for _, ly := range layers {
		if len(ly.Data) > l.maxSize {
			r.problems = append(r.problems, Problem{Source: ly.Source, Message: fmt.Sprintf("file is larger than %d bytes", l.maxSize)})
			r.fatal++
		}
		if ly.Invalid != "" {
			r.problems = append(r.problems, Problem{Source: ly.Source, Message: ly.Invalid})
			r.fatal++
		}
	}
	if r.fatal == 0 {
		r = parseLayers(layers)
	}

	logger := zerolog.Ctx(ctx)
	if r.fatal == 0 {
		if len(r.problems) > 0 {
			logger.Warn().Str("policy_source", source).Strs("problems", problemStrings(r.problems)).
				Msg("policy roster entries invalid, skipping them")
		}
		l.remember(key, r.policy)
		return Result{Policy: r.policy, Source: source, Problems: r.problems}, nil
	}

	p, ok := l.lastGood(key)
	msg := "policy invalid, keeping last good"
	if !ok {
		p = Default()
		msg = "policy invalid, using defaults"
	}
	logger.Warn().Str("policy_source", source).Strs("problems", problemStrings(r.problems)).Msg(msg)
	return Result{Policy: p, Source: source, Problems: r.problems, Stale: true}, nil
}

func problemStrings(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// sourceName renders where a file came from: "owner/repo@ref:path", without
// the "@" when the ref is the default branch.
func sourceName(c appconfig.Config) string {
	s := strings.TrimSuffix(c.Source, "@")
	if c.Path != "" {
		s += ":" + c.Path
	}
	return s
}

func (l *Loader) remember(key string, p Policy) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.good[key]; ok {
		e.Value = cacheEntry{key: key, policy: p.Clone()}
		l.order.MoveToFront(e)
		return
	}
	l.good[key] = l.order.PushFront(cacheEntry{key: key, policy: p.Clone()})
	for l.order.Len() > l.limit {
		last := l.order.Back()
		l.order.Remove(last)
		delete(l.good, last.Value.(cacheEntry).key)
	}
}

func (l *Loader) lastGood(key string) (Policy, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.good[key]
	if !ok {
		return Policy{}, false
	}
	l.order.MoveToFront(e)
	return e.Value.(cacheEntry).policy.Clone(), true
}
