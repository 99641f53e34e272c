// Package job holds what every job receives: the installation's GitHub
// API (ghclient.API, of which each job uses the few methods it declares),
// the write primitive, the effective policy of the repository, the clock and the bot's own
// identity. Jobs take an Env instead of reaching for globals.
package job

import (
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// Identity is who the bot is on GitHub.
type Identity struct {
	// Slug is the GitHub App's slug; the bot comments as Slug + "[bot]".
	Slug string
}

// Login is the bot user's login.
func (i Identity) Login() string { return i.Slug + "[bot]" }

// IsSelf reports whether login is this app's bot user.
func (i Identity) IsSelf(login string) bool {
	return i.Slug != "" && strings.EqualFold(login, i.Login())
}

// Env is one job run's context for one repository of one installation.
type Env struct {
	// GitHub is every read and non-text write jobs make; a job passes it
	// on as the narrow interface it declares.
	GitHub ghclient.API
	// Write is how the job writes comments and issues (see writeonce).
	Write          writeonce.Interface
	InstallationID int64
	Owner, Repo    string
	Policy         policy.Policy
	Now            time.Time
	Bot            Identity
}

// Installation is one sweep's context: every repository of one
// installation, with the programme's policy and each repository's.
type Installation struct {
	ID     int64
	GitHub ghclient.API
	// Write is how the sweep writes comments and issues (see writeonce).
	Write writeonce.Interface
	// Owner is the account (org or user) the app is installed on.
	Owner string
	Repos []*github.Repository
	// Policy is the programme's: the org-wide policy (the org .github
	// repository's, or the file its remote reference names) with the
	// rosters of every repository policy of every org in the programme
	// merged in (policy.MergeRosters).
	Policy policy.Policy
	// Org is the org-wide policy alone: the effective policy of the
	// repositories without a file of their own.
	Org policy.Policy
	// RepoPolicies are the effective policies of the repositories that have
	// their own .github/mentorbot.yml, keyed by lower-case "owner/name".
	RepoPolicies map[string]policy.Policy
	// Lead is true for the one installation of a programme that runs its
	// programme-wide work (enrolment, digests, learnings, meetup); Peers are
	// the programme's other installations, whose orgs that work also covers.
	Lead  bool
	Peers []Peer
	Now   time.Time
	Bot   Identity
	// Report receives one human-readable line per decision (dry runs and the
	// demo print it); nil means discard.
	Report func(format string, args ...any)
	// DryRun is set under --dry-run: writes are answered locally, so a job
	// that needs what a write would have created (a new tracking issue)
	// previews on a stand-in instead of skipping.
	DryRun bool
}

// Reportf writes a line to the installation's report, if any.
func (i Installation) Reportf(format string, args ...any) {
	if i.Report != nil {
		i.Report(format, args...)
	}
}

// Peer is another installation of the same programme (another org).
type Peer struct {
	ID     int64
	GitHub ghclient.API
	Owner  string
	Repos  []*github.Repository
}

// RepoPolicy returns the effective policy of owner/name: its own file over
// the org's when it has one, else the org's.
func (i Installation) RepoPolicy(owner, name string) policy.Policy {
	if p, ok := i.RepoPolicies[strings.ToLower(owner+"/"+name)]; ok {
		return p
	}
	return i.Org
}
