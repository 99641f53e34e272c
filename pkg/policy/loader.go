package policy

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/appconfig"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/rs/zerolog"
	"gopkg.in/yaml.v3"

	"github.com/thanos-community/mentorbot/pkg/cache"
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
// installation's repository for when a file becomes invalid, or empty. It is
// safe for concurrent use.
type Loader struct {
	maxSize       int
	size          int
	good          *cache.Cache[Policy]
	flagged       *prometheus.CounterVec
	remoteClients RemoteClients
}

// LoaderOption configures a Loader.
type LoaderOption func(*Loader)

// WithCacheSize bounds how many repositories' last good policies are kept
// (least recently used are dropped first). The default is 10000.
func WithCacheSize(n int) LoaderOption {
	return func(l *Loader) { l.size = max(n, 1) }
}

// WithMaxFileSize bounds the size of a policy file; larger files are invalid.
// The default is MaxFileSize.
func WithMaxFileSize(n int) LoaderOption {
	return func(l *Loader) { l.maxSize = n }
}

// WithRegisterer registers mentorbot_policy_flagged_total, which counts the
// policies loaded that look like a mistake (an empty file, a roster that
// vanished), on reg.
func WithRegisterer(reg prometheus.Registerer) LoaderOption {
	return func(l *Loader) {
		l.flagged = promauto.With(reg).NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_policy_flagged_total",
			Help: "Policy loads that look like a mistake, by reason: empty (a file that parses to nothing), roster_lost (no mentees where the last good policy had some; the last good one is kept).",
		}, []string{"reason"})
		// Served at 0 from the start, so that a rate over them works
		// before the first flag.
		for _, r := range []string{"empty", "roster_lost"} {
			l.flagged.WithLabelValues(r)
		}
	}
}

// NewLoader returns a Loader with an empty cache.
func NewLoader(opts ...LoaderOption) *Loader {
	l := &Loader{maxSize: MaxFileSize, size: 10000}
	for _, o := range opts {
		o(l)
	}
	// Last good policies do not expire: they are only used when the files
	// became unusable, and then an old policy beats the defaults.
	l.good = cache.New(cache.Options[Policy]{Size: l.size})
	return l
}

// Key identifies a repository of an installation in the policy caches: the
// same repository name seen through another installation is another entry.
func Key(installationID int64, owner, repo string) string {
	return strconv.FormatInt(installationID, 10) + "/" + strings.ToLower(owner+"/"+repo)
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
//     entries are skipped with a warning and the rest of the file is used;
//   - files that look like a mistake are flagged (warning and metric): a file
//     that parses to nothing, and a policy that names no mentees where the
//     last good one named some. In the second case the last good policy is
//     kept (Stale), so that a truncated file cannot stop the programme; a
//     roster ended on purpose says so with "mentees: []".
func (l *Loader) Load(ctx context.Context, client *github.Client, installationID int64, owner, repo string) (Result, error) {
	key := Key(installationID, owner, repo)
	layers, err := l.fetch(ctx, client, owner, repo)
	if err != nil {
		return Result{}, fmt.Errorf("load policy for %s/%s: %w", owner, repo, err)
	}
	if len(layers) == 0 {
		p := Default()
		l.good.Add(key, p.Clone())
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
		if len(r.empty) > 0 {
			l.flag("empty")
			logger.Warn().Str("policy_source", source).Strs("empty", r.empty).
				Msg("policy file is empty: it sets nothing, the defaults (and any other file) apply")
		}
		if last, ok := l.lastGood(installationID, owner, repo); ok && len(last.Mentees) > 0 && len(r.policy.Mentees) == 0 && !rosterCleared(layers) {
			l.flag("roster_lost")
			pr := Problem{Source: source, Message: fmt.Sprintf("the policy names no mentees, where the last good one named %d: "+
				"keeping the last good policy (write \"mentees: []\" to end the roster on purpose)", len(last.Mentees))}
			logger.Warn().Str("policy_source", source).Int("last_good_mentees", len(last.Mentees)).
				Msg("policy lost its mentee roster, keeping the last good policy")
			return Result{Policy: last.Clone(), Source: source, Problems: append(r.problems, pr), Stale: true}, nil
		}
		l.good.Add(key, r.policy.Clone())
		return Result{Policy: r.policy, Source: source, Problems: r.problems}, nil
	}

	p, ok := l.good.Get(key)
	if ok {
		p = p.Clone()
	}
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

// lastGood returns the last good policy of the repository or, for a
// repository not loaded before, the org's: the roster comes from the org
// file (a repository file without "mentees" inherits it), so the org's last
// good roster is what a new repository's would be. The sweeps load the org
// file alone (OrgWide), events load the .github repository's effective
// policy (OrgRepo); either is the org's.
func (l *Loader) lastGood(installationID int64, owner, repo string) (Policy, bool) {
	for _, r := range []string{repo, OrgWide, OrgRepo} {
		if p, ok := l.good.Get(Key(installationID, owner, r)); ok {
			return p, true
		}
	}
	return Policy{}, false
}

func (l *Loader) flag(reason string) {
	if l.flagged != nil {
		l.flagged.WithLabelValues(reason).Inc()
	}
}

// rosterCleared reports whether a layer sets the roster to an empty list
// explicitly ("mentees: []"), which ends a roster on purpose.
func rosterCleared(layers []Layer) bool {
	for _, ly := range layers {
		var doc struct {
			Mentees *[]yaml.Node `yaml:"mentees"`
		}
		if yaml.Unmarshal(ly.Data, &doc) == nil && doc.Mentees != nil && len(*doc.Mentees) == 0 {
			return true
		}
	}
	return false
}
