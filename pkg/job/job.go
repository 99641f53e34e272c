// Package job holds what every job receives: the installation's GitHub
// client, the effective policy of the repository, the clock and the bot's own
// identity. Jobs take an Env instead of reaching for globals.
package job

import (
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
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
	Client *github.Client
	// Write is how the job writes comments and issues (see writeonce); nil
	// means a writeonce.Writer over Client. Use Writer().
	Write          writeonce.Interface
	InstallationID int64
	Owner, Repo    string
	Policy         policy.Policy
	Now            time.Time
	Bot            Identity
}

// Writer returns what the job writes through.
func (e Env) Writer() writeonce.Interface {
	if e.Write != nil {
		return e.Write
	}
	return writeonce.For(e.Client, e.Bot.Login())
}

// IsBot reports whether a user is a bot: GitHub's type "Bot" or a [bot] login.
func IsBot(u *github.User) bool {
	if u == nil {
		return false
	}
	return u.GetType() == "Bot" || strings.HasSuffix(strings.ToLower(u.GetLogin()), "[bot]")
}

// Installation is one sweep's context: every repository of one
// installation, with the org-wide policy (the org .github repository's).
type Installation struct {
	ID     int64
	Client *github.Client
	// Write is how the sweep writes comments and issues (see writeonce);
	// nil means a writeonce.Writer over Client. Use Writer().
	Write writeonce.Interface
	// Owner is the account (org or user) the app is installed on.
	Owner  string
	Repos  []*github.Repository
	Policy policy.Policy
	Now    time.Time
	Bot    Identity
	// Report receives one human-readable line per decision (dry runs and the
	// demo print it); nil means discard.
	Report func(format string, args ...any)
}

// Writer returns what the sweep writes through.
func (i Installation) Writer() writeonce.Interface {
	if i.Write != nil {
		return i.Write
	}
	return writeonce.For(i.Client, i.Bot.Login())
}

// Reportf writes a line to the installation's report, if any.
func (i Installation) Reportf(format string, args ...any) {
	if i.Report != nil {
		i.Report(format, args...)
	}
}
