package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/usertemplate"
	"github.com/thanos-community/mentorbot/pkg/welcome"
)

// CheckPolicy validates a mentorbot.yml file as `check-config` reports it:
// every problem with its line, plus warnings (a term that already ended, a
// roster that is empty). The policy parser checks template syntax; the
// welcome and onboarding jobs also render their templates on sample data,
// within the budget they have in `serve`, so a template that would stall or
// be replaced by the built-in text is a problem here, with its line.
//
// With server (a config.yml; empty to skip), it also asks GitHub, as the
// app, whether every tracking issue the file names is an issue (not a pull
// request) in an org where the app is installed, and whether
// program.tracking_repo is in one.
func CheckPolicy(ctx context.Context, path, server string, now time.Time) (problems, warnings []policy.Problem, err error) {
	if target, problems, ok := readRemoteRef(path); ok {
		return problems, []policy.Problem{{Message: remoteRefNote(target)}}, nil
	}
	rep, err := policy.ReadFile(path, now)
	if err != nil {
		return nil, nil, err
	}
	problems = append(rep.Problems, checkTemplates(ctx, rep)...)
	if server != "" {
		remote, err := checkOnGitHub(ctx, server, rep)
		if err != nil {
			// Not proven right is not right: the file may name an issue the
			// bot cannot write to.
			remote = append(remote, policy.Problem{Message: "could not check the tracking issues on GitHub: " + err.Error()})
		}
		problems = append(problems, remote...)
	}
	warnings = rep.Warnings
	// The lints need the YAML text, comments included, which Parse drops.
	if data, err := os.ReadFile(path); err == nil && len(data) <= policy.MaxFileSize {
		warnings = append(warnings, policy.Lint(data, "")...)
	}
	return problems, warnings, nil
}

// checkTemplates renders the policy's templates as the jobs do.
func checkTemplates(ctx context.Context, rep policy.Report) []policy.Problem {
	var out []policy.Problem
	for _, t := range []struct {
		path, src string
		check     func(context.Context, string) error
	}{
		{"welcome.message", rep.Policy.Welcome.Message, welcome.CheckTemplate},
		{"program.onboarding", rep.Policy.Program.Onboarding, onboarding.CheckTemplate},
	} {
		err := t.check(ctx, t.src)
		if err == nil {
			continue
		}
		p := policy.Problem{Path: t.path, Line: rep.Line(t.path), Message: err.Error()}
		var le *usertemplate.LimitError
		if errors.As(err, &le) {
			p.Line = rep.TemplateLine(t.path, le.Line)
			p.Message = "the template is over its budget (" + le.Reason + "); the bot would post the built-in text instead"
		}
		out = append(out, p)
	}
	return out
}

// checkOnGitHub checks the policy's tracking issues and tracking repository
// against GitHub with the app's credentials from the server configuration.
// Only reads are made.
func checkOnGitHub(ctx context.Context, server string, rep policy.Report) ([]policy.Problem, error) {
	cfg, err := config.Load(server)
	if err != nil {
		return nil, err
	}
	a, err := New(cfg, Options{Version: "check-config", Logger: zerolog.Nop(), DryRun: true})
	if err != nil {
		return nil, err
	}
	// The app's installation on each owner, as remote policy references
	// find it (nil when the app is not installed there).
	client := func(owner string) (*github.Client, error) { return a.remote.forOwner(ctx, owner) }
	var out []policy.Problem
	if tr := rep.Policy.Program.TrackingRepo; tr != "" {
		const path = "program.tracking_repo"
		if owner, repo, ok := policy.SplitRepo(tr); ok {
			msg, err := checkRepo(ctx, client, owner, repo)
			if err != nil {
				return nil, err
			}
			if msg != "" {
				out = append(out, policy.Problem{Line: rep.Line(path), Path: path, Message: msg})
			}
		}
	}
	for i, m := range rep.Policy.Mentees {
		ref, ok := m.TrackingIssueRef()
		if !ok {
			continue
		}
		path := rep.MenteePath(i) + ".tracking_issue"
		msg, err := checkIssue(ctx, client, ref)
		if err != nil {
			return nil, err
		}
		if msg != "" {
			out = append(out, policy.Problem{Line: rep.Line(path), Path: path, Message: msg})
		}
	}
	return out, nil
}

// clientFor returns the installation client for an owner, nil when the app
// is not installed there.
type clientFor func(owner string) (*github.Client, error)

func notInstalled(owner string) string {
	return fmt.Sprintf("the app is not installed on %s, so the bot cannot write there", owner)
}

// checkRepo says what is wrong with owner/repo as the tracking repository,
// "" when nothing is.
func checkRepo(ctx context.Context, client clientFor, owner, repo string) (string, error) {
	c, err := client(owner)
	if err != nil {
		return "", err
	}
	if c == nil {
		return notInstalled(owner), nil
	}
	if _, _, err := c.Repositories.Get(ctx, owner, repo); err != nil {
		if ghclient.IsNotFound(err) {
			return fmt.Sprintf("%s/%s does not exist or is not among the repositories the app is installed on", owner, repo), nil
		}
		return "", fmt.Errorf("get repository %s/%s: %w", owner, repo, err)
	}
	return "", nil
}

// checkIssue says what is wrong with ref as a tracking issue, "" when
// nothing is.
func checkIssue(ctx context.Context, client clientFor, ref policy.IssueRef) (string, error) {
	c, err := client(ref.Owner)
	if err != nil {
		return "", err
	}
	if c == nil {
		return notInstalled(ref.Owner), nil
	}
	is, _, err := c.Issues.Get(ctx, ref.Owner, ref.Repo, ref.Number)
	if err != nil {
		if ghclient.IsNotFound(err) {
			return fmt.Sprintf("%s does not exist or is not in a repository the app is installed on", ref), nil
		}
		return "", fmt.Errorf("get issue %s: %w", ref, err)
	}
	if is.IsPullRequest() {
		return fmt.Sprintf("%s is a pull request, not an issue: the digest and checklist belong on an issue", ref), nil
	}
	return "", nil
}

// CheckServerConfig validates config.yml (with the GITHUB_* environment
// applied, as serve reads it) and warns when the private key file is
// readable by others.
func CheckServerConfig(path string) (warnings []string, err error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if w := cfg.KeyFileWarning(); w != "" {
		warnings = append(warnings, w)
	}
	if _, err := cfg.PrivateKey(); err != nil {
		return warnings, fmt.Errorf("private key: %w", err)
	}
	return warnings, nil
}
