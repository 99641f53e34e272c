package setup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Options configure Run.
type Options struct {
	// Org is the organisation that will own the app.
	Org string
	// Name of the app; default "mentorbot-<org>" (GitHub allows 34 characters).
	Name string
	// WebhookURL is where GitHub delivers webhooks, e.g.
	// https://mentorbot.example.com/api/github/hook. Empty creates the
	// webhook inactive with a placeholder, to be set in the app's settings.
	WebhookURL string
	// GitHubURL is GitHub's web URL: https://github.com or a GitHub
	// Enterprise Server's.
	GitHubURL string
	// APIURL is the REST API URL; empty means derived from GitHubURL.
	APIURL string
	// Out is the config.yml to write; the key goes next to it.
	Out string
	// Addr is where the local page listens, e.g. 127.0.0.1:3000.
	Addr string
	// Force overwrites an existing Out.
	Force bool
	// Client makes the conversion request; nil means a client with a
	// 30-second timeout.
	Client *http.Client
	// Log receives the instructions for the person running setup.
	Log io.Writer
	// Listening, when set, is called with the local page's URL once it
	// serves (tests use it).
	Listening func(pageURL string)
}

// Result is what setup wrote.
type Result struct {
	AppID      int64
	Slug       string
	HTMLURL    string
	ConfigPath string
	KeyPath    string
}

// APIURLs returns the REST and GraphQL API URLs for a GitHub web URL.
func APIURLs(githubURL string) (v3, v4 string) {
	u := strings.TrimSuffix(githubURL, "/")
	if u == "https://github.com" || u == "" {
		return "https://api.github.com/", "https://api.github.com/graphql"
	}
	return u + "/api/v3/", u + "/api/graphql"
}

func (o *Options) defaults() error {
	if o.Org == "" {
		return errors.New("--org is required")
	}
	if o.Name == "" {
		o.Name = "mentorbot-" + o.Org
		if len(o.Name) > 34 {
			o.Name = o.Name[:34]
		}
	}
	if o.GitHubURL == "" {
		o.GitHubURL = "https://github.com"
	}
	o.GitHubURL = strings.TrimSuffix(o.GitHubURL, "/")
	if o.APIURL == "" {
		o.APIURL, _ = APIURLs(o.GitHubURL)
	}
	if !strings.HasSuffix(o.APIURL, "/") {
		o.APIURL += "/"
	}
	if o.Out == "" {
		o.Out = "config.yml"
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:3000"
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.WebhookURL != "" {
		u, err := url.Parse(o.WebhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("--url %q is not an http(s) URL", o.WebhookURL)
		}
	}
	return nil
}

// Run serves the local page, waits for GitHub's redirect, converts the code
// and writes the key and config.yml. It returns when they are written, or
// when ctx is done.
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.defaults(); err != nil {
		return Result{}, err
	}
	if _, err := os.Stat(o.Out); err == nil && !o.Force {
		return Result{}, fmt.Errorf("%s exists; choose another --out or pass --force", o.Out)
	}
	state, err := randomHex(16)
	if err != nil {
		return Result{}, err
	}
	l, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return Result{}, fmt.Errorf("listen on %s: %w", o.Addr, err)
	}
	base := "http://" + l.Addr().String()
	f := &flow{o: o, state: state, base: base, done: make(chan Result, 1)}
	srv := &http.Server{Handler: f.routes(), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(l) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx) // The result is written; a slow browser only loses its last page.
	}()

	fmt.Fprintf(o.Log, "Open %s/ in a browser signed in to %s as an owner of %s, and create the app there.\n", base, o.GitHubURL, o.Org)
	if o.WebhookURL == "" {
		fmt.Fprintf(o.Log, "No --url given: the webhook is created inactive with %s; set the real URL in the app's settings.\n", PlaceholderWebhookURL)
	}
	if o.Listening != nil {
		o.Listening(base + "/")
	}
	select {
	case r := <-f.done:
		fmt.Fprintf(o.Log, "Created the GitHub App %s (ID %d).\nWrote %s and the private key %s (mode 0600).\n", r.Slug, r.AppID, r.ConfigPath, r.KeyPath)
		fmt.Fprintf(o.Log, "Next: install it on %s at %s, then run: mentorbot serve --config %s\n", o.Org, InstallURL(r.HTMLURL), r.ConfigPath)
		return r, nil
	case err := <-serveErr:
		return Result{}, fmt.Errorf("serve the setup page: %w", err)
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// InstallURL is where an app whose page is htmlURL is installed.
func InstallURL(htmlURL string) string {
	return strings.TrimSuffix(htmlURL, "/") + "/installations/new"
}

// flow is one run of the manifest flow.
type flow struct {
	o     Options
	state string
	base  string
	done  chan Result
}

func (f *flow) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", f.page)
	mux.HandleFunc("GET /callback", f.callback)
	return mux
}

// CreateAppURL is where the manifest is posted: the org's new-app page.
func CreateAppURL(githubURL, org, state string) string {
	return fmt.Sprintf("%s/organizations/%s/settings/apps/new?state=%s",
		strings.TrimSuffix(githubURL, "/"), url.PathEscape(org), url.QueryEscape(state))
}

// pageTmpl is what the person running setup sees first: which org, which
// permissions and events GitHub will ask them to grant, and the button. The
// form has no JavaScript: a plain POST is what GitHub's manifest flow takes.
var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Create mentorbot's GitHub App</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Create mentorbot's GitHub App on <span id="org">{{.Org}}</span></h1>
<p>This posts mentorbot's app manifest to GitHub. GitHub shows the app's name,
permissions and events and asks you to confirm, then sends you back here, and
<code>mentorbot setup</code> writes <code>{{.Out}}</code> and the private key.</p>
<h2>Permissions</h2>
<ul id="permissions">{{range .Permissions}}<li><code>{{.Name}}</code>: {{.Level}}</li>{{end}}</ul>
<h2>Events</h2>
<ul id="events">{{range .Events}}<li><code>{{.}}</code></li>{{end}}</ul>
<form action="{{.Action}}" method="post">
<input type="hidden" name="manifest" value="{{.Manifest}}">
<button type="submit">Create the GitHub App on {{.Org}}</button>
</form>
<details><summary>Manifest</summary><pre>{{.Pretty}}</pre></details>
</body></html>
`))

// doneTmpl is the page GitHub's redirect lands on once the files are
// written: what was created, where the files went, and the next step.
var doneTmpl = template.Must(template.New("done").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mentorbot's GitHub App is created</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Created the GitHub App {{.Slug}} (ID {{.AppID}})</h1>
<p>Wrote, readable only by you (mode 0600):</p>
<ul id="files"><li>the server configuration <code>{{.ConfigPath}}</code></li><li>the app's private key <code>{{.KeyPath}}</code></li></ul>
<h2>Next</h2>
<ol>
<li><a id="install" href="{{.InstallURL}}">Install the app on {{.Org}}</a>, on the repositories mentorbot should work in.</li>
<li>Run <code>mentorbot serve --config {{.ConfigPath}}</code>.</li>
</ol>
<p>You can close this page; <code>mentorbot setup</code> has finished.</p>
</body></html>
`))

// permission is one line of the page's permission list.
type permission struct{ Name, Level string }

func (f *flow) manifest() Manifest {
	return NewManifest(f.o.Name, f.o.WebhookURL, f.base+"/callback")
}

func (f *flow) page(w http.ResponseWriter, _ *http.Request) {
	m := f.manifest()
	compact, err := json.Marshal(m)
	if err != nil {
		http.Error(w, "encode manifest", http.StatusInternalServerError)
		return
	}
	pretty, _ := json.MarshalIndent(m, "", "  ")
	perms := make([]permission, 0, len(m.DefaultPermissions))
	for name, level := range m.DefaultPermissions {
		perms = append(perms, permission{name, level})
	}
	sort.Slice(perms, func(i, j int) bool { return perms[i].Name < perms[j].Name })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTmpl.Execute(w, map[string]any{
		"Org":         f.o.Org,
		"Out":         f.o.Out,
		"Permissions": perms,
		"Events":      m.DefaultEvents,
		"Action":      CreateAppURL(f.o.GitHubURL, f.o.Org, f.state),
		"Manifest":    string(compact),
		"Pretty":      string(pretty),
	})
}

func (f *flow) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("state") != f.state {
		http.Error(w, "state does not match this setup run; start again from the setup page", http.StatusBadRequest)
		return
	}
	code := q.Get("code")
	if code == "" {
		http.Error(w, "no code in the redirect", http.StatusBadRequest)
		return
	}
	res, err := f.convert(r.Context(), code)
	if err != nil {
		fmt.Fprintf(f.o.Log, "setup failed: %v\n", err)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = doneTmpl.Execute(w, map[string]any{
		"Slug":       res.Slug,
		"AppID":      res.AppID,
		"ConfigPath": res.ConfigPath,
		"KeyPath":    res.KeyPath,
		"Org":        f.o.Org,
		"InstallURL": InstallURL(res.HTMLURL),
	})
	select {
	case f.done <- res:
	default: // A second redirect after success: already written.
	}
}

// conversion is the answer of POST /app-manifests/{code}/conversions.
type conversion struct {
	ID            int64  `json:"id"`
	Slug          string `json:"slug"`
	HTMLURL       string `json:"html_url"`
	PEM           string `json:"pem"`
	WebhookSecret string `json:"webhook_secret"`
}

// convert exchanges the code (no authentication: the code is the secret)
// and writes the files.
func (f *flow) convert(ctx context.Context, code string) (Result, error) {
	u := f.o.APIURL + "app-manifests/" + url.PathEscape(code) + "/conversions"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return Result{}, fmt.Errorf("build conversion request: %w", err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	res, err := f.o.Client.Do(req)
	if err != nil {
		return Result{}, fmt.Errorf("convert manifest code: %w", err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
	}()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return Result{}, fmt.Errorf("read conversion answer: %w", err)
	}
	if res.StatusCode != http.StatusCreated {
		return Result{}, fmt.Errorf("convert manifest code: GitHub answered %s: %s (codes are valid once, for an hour)", res.Status, strings.TrimSpace(string(body)))
	}
	var c conversion
	if err := json.Unmarshal(body, &c); err != nil {
		return Result{}, fmt.Errorf("decode conversion answer: %w", err)
	}
	if c.ID == 0 || c.PEM == "" {
		return Result{}, errors.New("conversion answer lacks the app ID or the private key")
	}
	if c.WebhookSecret == "" {
		return Result{}, errors.New("GitHub returned no webhook secret: set one in the app's settings and put it in config.yml as github.app.webhook_secret")
	}
	return f.write(c)
}

// write writes the key (0600) next to config.yml, then config.yml (0600:
// it holds the webhook secret).
func (f *flow) write(c conversion) (Result, error) {
	out, err := filepath.Abs(f.o.Out)
	if err != nil {
		return Result{}, fmt.Errorf("resolve %s: %w", f.o.Out, err)
	}
	slug := c.Slug
	if slug == "" {
		slug = "mentorbot"
	}
	key := filepath.Join(filepath.Dir(out), slug+".private-key.pem")
	if err := writeFile(key, []byte(strings.TrimSpace(c.PEM)+"\n")); err != nil {
		return Result{}, err
	}
	v3 := f.o.APIURL
	v4 := v3 + "graphql" // api.github.com and the simulator
	if strings.HasSuffix(v3, "/api/v3/") {
		v4 = strings.TrimSuffix(v3, "v3/") + "graphql" // GitHub Enterprise Server
	}
	cfg := fmt.Sprintf(`# Written by mentorbot setup for the GitHub App %s (%s), owned by %s.
# Server configuration: see README.md, "Server configuration".
github:
  web_url: %s
  v3_api_url: %s
  v4_api_url: %s
  app:
    integration_id: %d
    webhook_secret: %q
    private_key: %s
server:
  address: 0.0.0.0
  port: 8080
schedule:
  remind_every: 1h
  digest: true
`, slug, c.HTMLURL, f.o.Org, f.o.GitHubURL, v3, v4, c.ID, c.WebhookSecret, key)
	if err := writeFile(out, []byte(cfg)); err != nil {
		return Result{}, err
	}
	return Result{AppID: c.ID, Slug: slug, HTMLURL: c.HTMLURL, ConfigPath: out, KeyPath: key}, nil
}

// writeFile writes data with mode 0600, also when the file existed with a
// wider mode.
func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	return nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random state: %w", err)
	}
	return hex.EncodeToString(b), nil
}
