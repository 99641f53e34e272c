// Package setup creates mentorbot's GitHub App with GitHub's manifest flow:
// a local page posts the app's manifest to GitHub, GitHub redirects back
// with a one-time code, and the code is exchanged for the app's ID, private
// key and webhook secret, which are written to config.yml. The manifest is
// defined here once; deploy/github-app.yml is generated from it.
package setup

import (
	"bytes"
	"fmt"
	"sort"

	"gopkg.in/yaml.v3"
)

// Permissions is the minimal set of permissions mentorbot needs, as GitHub
// names them in a manifest's default_permissions. The e2e deploy test maps
// every GitHub operation the bot makes to the permission GitHub requires for
// it and fails when this set is larger or smaller than that.
var Permissions = map[string]string{
	// Comments, labels, assignees, tracking, learnings and meetup issues.
	"issues": "write",
	// Labels and comments on PRs, review requests; reading files, commits
	// and reviews of PRs.
	"pull_requests": "write",
	// mentorbot.yml, CODEOWNERS, MAINTAINERS.md, CONTRIBUTING.md, history.
	"contents": "read",
	// Org membership of reviewers and mentors, team members.
	"members": "read",
	// Mandatory for every app: repositories, collaborators' permissions.
	"metadata": "read",
}

// Events are the webhook events the app subscribes to: the events the
// handlers handle, minus AlwaysDelivered.
var Events = []string{"issue_comment", "issues", "pull_request", "pull_request_review"}

// AlwaysDelivered are events every GitHub App receives without subscribing;
// GitHub does not accept them in default_events.
var AlwaysDelivered = []string{"installation", "installation_repositories"}

// Homepage is the app's homepage in the manifest.
const Homepage = "https://github.com/thanos-community/mentorbot"

// Manifest is a GitHub App manifest, as GitHub's manifest flow takes it.
type Manifest struct {
	Name               string            `json:"name" yaml:"name"`
	URL                string            `json:"url" yaml:"url"`
	Description        string            `json:"description" yaml:"description"`
	HookAttributes     HookAttributes    `json:"hook_attributes" yaml:"hook_attributes"`
	RedirectURL        string            `json:"redirect_url,omitempty" yaml:"redirect_url,omitempty"`
	Public             bool              `json:"public" yaml:"public"`
	DefaultPermissions map[string]string `json:"default_permissions" yaml:"default_permissions"`
	DefaultEvents      []string          `json:"default_events" yaml:"default_events"`
}

// HookAttributes configure the app's webhook.
type HookAttributes struct {
	URL    string `json:"url" yaml:"url"`
	Active bool   `json:"active" yaml:"active"`
}

// NewManifest returns mentorbot's manifest. An empty webhookURL creates the
// webhook inactive, with a placeholder URL to replace in the app's settings.
func NewManifest(name, webhookURL, redirectURL string) Manifest {
	perms := make(map[string]string, len(Permissions))
	for k, v := range Permissions {
		perms[k] = v
	}
	events := append([]string(nil), Events...)
	sort.Strings(events)
	active := webhookURL != ""
	if !active {
		webhookURL = PlaceholderWebhookURL
	}
	return Manifest{
		Name:               name,
		URL:                Homepage,
		Description:        "Runs the routine of an open-source mentorship programme: mentee labels, welcomes, review-wait reminders, weekly digests, the end of the programme.",
		HookAttributes:     HookAttributes{URL: webhookURL, Active: active},
		RedirectURL:        redirectURL,
		Public:             false,
		DefaultPermissions: perms,
		DefaultEvents:      events,
	}
}

// PlaceholderWebhookURL stands for the deployment's webhook URL.
const PlaceholderWebhookURL = "https://mentorbot.example.com/api/github/hook"

// ManifestYAML renders deploy/github-app.yml: the manifest with the
// placeholder webhook URL and no redirect (`mentorbot setup` fills both).
func ManifestYAML() ([]byte, error) {
	m := NewManifest("mentorbot", PlaceholderWebhookURL, "")
	var buf bytes.Buffer
	buf.WriteString(`# mentorbot's GitHub App manifest, generated from pkg/setup (make manifest);
# a test fails when they differ. ` + "`mentorbot setup --org ORG`" + ` posts this manifest
# to GitHub with your webhook URL and a redirect back to itself; to create the
# app by hand instead, copy these permissions and events. The installation and
# installation_repositories events are delivered to every app without
# subscribing.
`)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return buf.Bytes(), nil
}
