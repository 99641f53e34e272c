package welcome

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/cache"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// Defaults of the job's in-memory state.
const (
	// GuideTTL is how long a repository's contributing guide is remembered.
	GuideTTL = 30 * time.Minute
	// RecentTTL is how long the job remembers, in this process, whom it
	// welcomed, covering the search index's lag (seconds, at worst minutes)
	// for redeliveries and quick second PRs.
	RecentTTL = 15 * time.Minute
	maxMemory = 4096
)

// Job welcomes first-time contributors. It implements the handlers'
// PullRequestJob and IssuesJob. Its only state is two bounded in-memory
// caches; GitHub (the marker) stays the record of who was welcomed.
type Job struct {
	// guides maps installation and repository to the contributing guide's
	// URL ("" when there is none, remembered as long as a found one).
	guides *cache.Cache[string]
	recent *recent
	// WritersOn reaches the app's installation on another account, whose
	// tracking issues a mentee's welcome links (see tracking.WriterFor); nil
	// means the event's installation reads everything.
	WritersOn tracking.WritersOn
}

// New returns the welcome job; now is the clock its memory is dated with
// (nil: time.Now).
func New(now func() time.Time) *Job {
	return &Job{
		guides: cache.New(cache.Options[string]{Size: maxMemory, TTL: GuideTTL, Now: now}),
		recent: newRecent(RecentTTL, maxMemory, now),
	}
}

// PullRequestActions implements handlers.PullRequestJob: only a newly
// opened pull request is welcomed; a reopened one is not a first one.
func (j *Job) PullRequestActions() []string { return []string{"opened"} }

// IssuesActions implements handlers.IssuesJob.
func (j *Job) IssuesActions() []string { return []string{"opened"} }

// OnPullRequest welcomes the author of a newly opened pull request.
func (j *Job) OnPullRequest(ctx context.Context, env job.Env, ev *github.PullRequestEvent) error {
	if ev.GetPullRequest() == nil {
		return nil
	}
	pr := ev.GetPullRequest()
	it := Item{
		Owner: env.Owner, Repo: env.Repo,
		OwnerIsOrg:  ownerIsOrg(ev.GetRepo(), ev.GetOrganization()),
		Number:      pr.GetNumber(),
		PullRequest: true,
		Title:       pr.GetTitle(),
		Author:      pr.GetUser().GetLogin(),
		AuthorIsBot: turn.IsBotUser(pr.GetUser()),
		Association: pr.GetAuthorAssociation(),
	}
	return j.welcome(ctx, env, it)
}

// OnIssue welcomes the author of a newly opened issue, when welcome.issues
// is set.
func (j *Job) OnIssue(ctx context.Context, env job.Env, ev *github.IssuesEvent) error {
	if ev.GetIssue() == nil || ev.GetIssue().IsPullRequest() {
		return nil
	}
	is := ev.GetIssue()
	it := Item{
		Owner: env.Owner, Repo: env.Repo,
		OwnerIsOrg:  ownerIsOrg(ev.GetRepo(), nil),
		Number:      is.GetNumber(),
		Title:       is.GetTitle(),
		Author:      is.GetUser().GetLogin(),
		AuthorIsBot: turn.IsBotUser(is.GetUser()),
		Association: is.GetAuthorAssociation(),
	}
	return j.welcome(ctx, env, it)
}

func ownerIsOrg(r *github.Repository, org *github.Organization) bool {
	if org != nil && org.GetLogin() != "" {
		return true
	}
	return r.GetOwner().GetType() == "Organization"
}

// GitHub is the part of the GitHub API the welcome uses.
type GitHub struct {
	Search   Searcher
	Contents Contents
	// Write finds and writes the bot's marked comments (writeonce).
	Write Writer
	// Tracking finds a mentee's tracking issue (tracking.Find).
	Tracking func(ctx context.Context, p policy.Policy, login string) (policy.IssueRef, bool, error)
}

func (j *Job) clientGitHub(env job.Env) GitHub {
	return GitHub{
		Search:   env.GitHub,
		Contents: env.GitHub,
		Write:    env.Write,
		Tracking: func(ctx context.Context, p policy.Policy, login string) (policy.IssueRef, bool, error) {
			var opened tracking.Opened = env.Write
			if m, ok := p.Mentee(login); ok {
				w, err := tracking.WriterFor(ctx, m, p, env.Owner, env.Bot.Login(), env.Write, j.WritersOn)
				if err != nil {
					return policy.IssueRef{}, false, err
				}
				// Not installed on the org that holds the tracking issues:
				// its public repository is readable all the same.
				if w != nil {
					opened = w
				}
			}
			return tracking.Find(ctx, opened, p, login)
		},
	}
}

func (j *Job) welcome(ctx context.Context, env job.Env, it Item) error {
	log := zerolog.Ctx(ctx).With().Str("author", it.Author).Str("author_association", it.Association).Logger()
	if ok, why := Eligible(env.Policy.Welcome, it); !ok {
		log.Debug().Str("reason", string(why)).Msg("no welcome")
		return nil
	}
	return j.Run(log.WithContext(ctx), j.clientGitHub(env), env, it)
}

// Run welcomes an eligible item: it asks GitHub once whether the author was
// welcomed (or, scope org, contributed) before, finds the contributing
// guide and the mentee's tracking issue when needed, and comments.
func (j *Job) Run(ctx context.Context, gh GitHub, env job.Env, it Item) error {
	log := zerolog.Ctx(ctx)
	p := env.Policy
	org := orgScope(p.Welcome)
	now := env.Now

	// One welcome at a time per author and scope in this process: a
	// concurrent or recent delivery for the same person waits for nothing
	// and writes nothing.
	key := recentKey(it, org)
	if !j.recent.reserve(key) {
		log.Debug().Msg("author welcomed or being welcomed moments ago, no second welcome")
		return nil
	}
	welcomed := false
	defer func() { j.recent.release(key, welcomed) }()

	q, perPage := Query(it, org)
	res, _, err := gh.Search.SearchIssues(ctx, q, &github.SearchOptions{ListOptions: github.ListOptions{PerPage: perPage}})
	if err != nil {
		return fmt.Errorf("search earlier welcomes of %s in %s/%s: %w", it.Author, it.Owner, it.Repo, err)
	}
	switch Judge(it, org, res) {
	case Known:
		if org {
			log.Debug().Str("query", q).Msg("author contributed before, no welcome")
			return nil
		}
		// The search matches the marker's text in anybody's comment: only a
		// welcome the bot wrote counts.
		mine, err := welcomedOn(ctx, gh.Write, it, res.Issues)
		if err != nil {
			return err
		}
		if mine {
			log.Debug().Str("query", q).Msg("author welcomed before, no welcome")
			return nil
		}
		log.Info().Str("query", q).Msg("the welcome marker was found only in comments by others, welcoming")
	case OnlyCurrent:
		mine, err := welcomedOn(ctx, gh.Write, it, nil)
		if err != nil {
			return err
		}
		if mine {
			log.Debug().Msg("already welcomed on this item")
			return nil
		}
	}

	in := Input{Item: it, Policy: p}
	if m, ok := p.Mentee(it.Author); ok && m.ActiveOn(now, p.Digest.Location()) {
		in.Mentee = true
		if gh.Tracking != nil {
			ref, found, err := gh.Tracking(ctx, p, it.Author)
			if err != nil {
				return fmt.Errorf("find the tracking issue of %s: %w", it.Author, err)
			}
			if found {
				in.TrackingIssue = &ref
			}
		}
	} else {
		u, err := j.guide(ctx, gh, env, it)
		if err != nil {
			return err
		}
		in.ContributingURL = u
	}

	body, warning := Render(ctx, NewData(in), p.Welcome.Message)
	if warning != nil {
		log.Warn().Err(warning).Msg("welcome.message template unusable, using the built-in welcome")
	}
	// Write, then settle; no look for the marker on this item before
	// writing. The search has just said whether the author was welcomed
	// (and welcomedOn read this item's comments when the index showed a
	// marker here), and this process's memory (recent) covers its own
	// redeliveries. What a look would add is one case: the same event
	// delivered again to another replica, or after a restart, within the
	// index's lag (seconds) after the first welcome; the settling read then
	// deletes the second copy, which was visible for one round trip. Two
	// deliveries at the same instant race past a look as well, and settle
	// the same way. This keeps a first PR at two reads (issue #16).
	c, err := gh.Write.CommentAfterFind(ctx, it.ref(), Kind, "", body)
	if err != nil {
		return fmt.Errorf("welcome: %w", err)
	}
	welcomed = true
	if !c.Written {
		log.Info().Int64("comment", c.ID).Msg("welcomed by a concurrent delivery or replica, kept theirs")
		return nil
	}
	log.Info().Bool("first_timer", it.FirstTimer()).Bool("mentee", in.Mentee).Str("contributing_url", in.ContributingURL).Msg("welcomed first-time contributor")
	return nil
}

// guide returns the contributing guide's URL: program.contributing_url,
// else the repository's or the org's CONTRIBUTING file (remembered for
// GuideTTL), else "".
func (j *Job) guide(ctx context.Context, gh GitHub, env job.Env, it Item) (string, error) {
	if u := webURL(env.Policy.Program.ContributingURL); u != "" {
		return u, nil
	}
	// A burst of first PRs in one repository looks the guide up once.
	key := strings.ToLower(strconv.FormatInt(env.InstallationID, 10) + "/" + it.Owner + "/" + it.Repo)
	return j.guides.GetOrLoad(ctx, key, func(ctx context.Context) (string, error) {
		return FindGuide(ctx, gh.Contents, it.Owner, it.Repo)
	})
}

func recentKey(it Item, org bool) string {
	scope := it.Owner + "/" + it.Repo
	if org {
		scope = it.Owner
	}
	kind := "issue"
	if it.PullRequest {
		kind = "pr"
	}
	return strings.ToLower(scope + " " + kind + " " + it.Author)
}

// recent remembers, for a while, the authors this process welcomed or is
// welcoming. It is an optimisation and a guard against the search index's
// lag, not the record: after a restart the marker search takes over.
type recent struct {
	mu       sync.Mutex
	inFlight map[string]bool // as many as welcomes run at once
	done     *cache.Cache[struct{}]
}

func newRecent(ttl time.Duration, max int, now func() time.Time) *recent {
	return &recent{inFlight: map[string]bool{}, done: cache.New(cache.Options[struct{}]{Size: max, TTL: ttl, Now: now})}
}

// reserve claims key; false means it is being welcomed or was welcomed
// less than ttl ago.
func (r *recent) reserve(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inFlight[key] || r.done.Contains(key) {
		return false
	}
	r.inFlight[key] = true
	return true
}

// release ends a reservation, remembering the key when a welcome was
// written. When the memory is full the least recently used go first; the
// marker search still prevents second welcomes.
func (r *recent) release(key string, welcomed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.inFlight, key)
	if welcomed {
		r.done.Add(key, struct{}{})
	}
}
