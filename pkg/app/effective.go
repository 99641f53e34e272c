package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// readRemoteRef reports whether the policy file at path is a remote
// reference (appconfig's "remote: owner/repo" file) rather than a policy.
func readRemoteRef(path string) (target string, problems []policy.Problem, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil || len(data) > policy.MaxFileSize {
		return "", nil, false // CheckPolicy reports it
	}
	return policy.CheckRemoteRef(data)
}

func remoteRefNote(target string) string {
	if target == "" {
		return "a remote reference"
	}
	return fmt.Sprintf("a remote reference: the policy is read from %s; check that file, or run check-config --repo OWNER/NAME --config config.yml to see the merged result", target)
}

// ExplainPolicy writes the effective policy of repo ("owner/name") as the
// running app would use it: the files read (remote references followed),
// every key with its value and the file it came from, and the programme the
// repository's installation belongs to, with its merged roster.
func (a *App) ExplainPolicy(ctx context.Context, repo string, out io.Writer) error {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return fmt.Errorf("--repo %q is not owner/name", repo)
	}
	ac, err := a.clients.NewAppClient()
	if err != nil {
		return fmt.Errorf("create app client: %w", err)
	}
	in, _, err := ac.Apps.FindRepositoryInstallation(ctx, owner, name)
	if ghclient.IsNotFound(err) {
		return fmt.Errorf("the app is not installed on %s", repo)
	}
	if err != nil {
		return fmt.Errorf("find the app's installation on %s: %w", repo, err)
	}
	client, err := a.clients.NewInstallationClient(in.GetID())
	if err != nil {
		return fmt.Errorf("create installation client: %w", err)
	}
	res, origins, err := a.policies.Explain(ctx, client, in.GetID(), owner, name)
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "effective policy of %s\n\nfiles, base first (a later file overrides an earlier one key by key; a list replaces the whole list):\n", repo)
	if res.Source == "" {
		fmt.Fprintln(out, "  none: the built-in defaults")
	}
	for _, s := range strings.Split(res.Source, " + ") {
		if s != "" {
			fmt.Fprintf(out, "  %s\n", s)
		}
	}
	for _, p := range res.Problems {
		fmt.Fprintf(out, "problem: %s\n", p)
	}
	if res.Stale {
		fmt.Fprintln(out, "the files are invalid: the bot uses the last good policy (or the defaults); sources below are not shown")
	}
	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "key\tvalue\tfrom")
	for _, o := range origins {
		from := o.Source
		if from == "" {
			from = "default"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Key, oneLine(o.Value), from)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	// An installation that cannot be read is left out of the programme
	// lines below; the policy above is already complete.
	insts, _, err := a.installations(ctx, nil)
	if err != nil {
		return err
	}
	for _, inst := range insts {
		if inst.ID != in.GetID() {
			continue
		}
		orgs := []string{inst.Owner}
		for _, p := range inst.Peers {
			orgs = append(orgs, p.Owner)
		}
		runs := "this installation runs it"
		if !inst.Lead {
			runs = "another installation of the programme runs enrolment, digests, learnings and the meetup"
		}
		logins := make([]string, len(inst.Policy.Mentees))
		for i, m := range inst.Policy.Mentees {
			logins[i] = m.Login
		}
		fmt.Fprintf(out, "\nprogramme %q across %s (%s); merged roster (the programme file first, then repository files by name): %d [%s]\n",
			inst.Policy.Program.Name, strings.Join(orgs, ", "), runs, len(logins), strings.Join(logins, ", "))
	}
	return nil
}

// oneLine keeps a multi-line value (a template) on its row.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", `\n`)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

// ExplainRepoPolicy is `check-config --repo`: it builds the app from the
// server configuration at configPath and writes ExplainPolicy's output.
func ExplainRepoPolicy(ctx context.Context, configPath, repo string, o Options, out io.Writer) error {
	cfg, err := config.Load(configPath)
	if err != nil {
		return err
	}
	a, err := New(cfg, o)
	if err != nil {
		return err
	}
	return a.ExplainPolicy(o.Logger.WithContext(ctx), repo, out)
}
