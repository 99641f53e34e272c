package githubsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// site is the simulator's github.com: the web pages a person's browser sees
// in GitHub's app manifest flow. It listens apart from the API (WebURL), as
// github.com is apart from api.github.com, so that nothing a browser posts
// can be mistaken for an API call. The flow is GitHub's:
//
//   - POST /organizations/{org}/settings/apps/new?state=S with a form field
//     "manifest" (the manifest as JSON) shows a page asking to create the
//     app, or an error page when the manifest is not one GitHub accepts;
//   - pressing its button (POST /organizations/{org}/settings/apps) creates
//     a one-time code for POST /app-manifests/{code}/conversions and
//     redirects to the manifest's redirect_url with ?code=...&state=S.
type site struct {
	s    *Server
	ln   net.Listener
	http *http.Server
	url  string
	done chan struct{}

	mu        sync.Mutex
	posts     []ManifestPost
	pending   map[string]ManifestPost
	next      int
	dropState bool
}

// ManifestPost is one manifest a browser posted to the new-app page.
type ManifestPost struct {
	// Org is the organisation in the page's path.
	Org string
	// State is the state query parameter of the form's action.
	State string
	// Manifest is the form's manifest field, as posted.
	Manifest string
}

func startSite(s *Server, addr string) (*site, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("web listen address %q: %w", addr, err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("listen for the web pages: %w", err)
	}
	w := &site{s: s, ln: ln, url: "http://" + ln.Addr().String(), done: make(chan struct{}), pending: map[string]ManifestPost{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /organizations/{org}/settings/apps/new", w.newApp)
	mux.HandleFunc("POST /organizations/{org}/settings/apps", w.createApp)
	// Browsers ask every site for its icon; github.com has one, the
	// simulator none to show.
	mux.HandleFunc("GET /favicon.ico", func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/", w.unknown)
	w.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(w.done)
		_ = w.http.Serve(ln) // Always returns an error; ErrServerClosed after Close.
	}()
	return w, nil
}

func (w *site) close() error {
	err := w.http.Close()
	<-w.done
	return err
}

// WebURL is the base URL of the simulator's web pages, github.com's stand-in
// (no trailing slash): give it to `mentorbot setup --github`.
func (s *Server) WebURL() string { return s.web.url }

// ManifestPosts returns every manifest posted to the new-app page, oldest
// first, valid or not.
func (s *Server) ManifestPosts() []ManifestPost {
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	return append([]ManifestPost(nil), s.web.posts...)
}

// DropManifestState makes the new-app page redirect without the state
// parameter, as a tampered or truncated link would arrive: tests use it to
// prove that the redirect's receiver refuses it.
func (s *Server) DropManifestState(drop bool) {
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	s.web.dropState = drop
}

// manifestParams are the parameters GitHub documents for an app manifest
// ("Creating a GitHub App from a manifest"); any other key is refused.
type manifestParams struct {
	Name           *string `json:"name"`
	URL            string  `json:"url"`
	HookAttributes *struct {
		URL    string `json:"url"`
		Active *bool  `json:"active"`
	} `json:"hook_attributes"`
	RedirectURL           string            `json:"redirect_url"`
	CallbackURLs          []string          `json:"callback_urls"`
	SetupURL              string            `json:"setup_url"`
	Description           string            `json:"description"`
	Public                bool              `json:"public"`
	DefaultEvents         []string          `json:"default_events"`
	DefaultPermissions    map[string]string `json:"default_permissions"`
	RequestOAuthOnInstall bool              `json:"request_oauth_on_install"`
	SetupOnUpdate         bool              `json:"setup_on_update"`
}

// eventPermission is the permission an app needs to subscribe to an event
// (GitHub's "Webhook events and payloads" lists it per event); GitHub
// refuses default_events whose permission default_permissions lacks. Only
// the events the simulator can deliver are listed: others are refused.
var eventPermission = map[string]string{
	"issues":                      "issues",
	"issue_comment":               "issues",
	"label":                       "metadata",
	"pull_request":                "pull_requests",
	"pull_request_review":         "pull_requests",
	"pull_request_review_comment": "pull_requests",
	"push":                        "contents",
	"member":                      "members",
	"membership":                  "members",
	"organization":                "members",
	"team":                        "members",
}

// checkManifest returns what GitHub would say about a manifest it refuses.
func checkManifest(raw string) []string {
	var m manifestParams
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return []string{"the manifest is not a JSON object of GitHub's manifest parameters: " + err.Error()}
	}
	if dec.More() {
		return []string{"the manifest has data after its JSON object"}
	}
	var errs []string
	switch {
	case m.Name == nil || *m.Name == "":
		errs = append(errs, "Name can't be blank")
	case len(*m.Name) > 34:
		errs = append(errs, "Name is too long (maximum is 34 characters)")
	}
	if !isHTTPURL(m.URL) {
		errs = append(errs, "Homepage URL (url) must be an http(s) URL")
	}
	if m.HookAttributes == nil || !isHTTPURL(m.HookAttributes.URL) {
		errs = append(errs, "hook_attributes.url must be an http(s) URL")
	}
	if m.RedirectURL != "" && !isHTTPURL(m.RedirectURL) {
		errs = append(errs, "redirect_url must be an http(s) URL")
	}
	for p, level := range m.DefaultPermissions {
		if level != "read" && level != "write" && level != "admin" {
			errs = append(errs, fmt.Sprintf("default_permissions.%s: %q is not read, write or admin", p, level))
		}
	}
	for _, ev := range m.DefaultEvents {
		perm, known := eventPermission[ev]
		switch {
		case !known:
			errs = append(errs, fmt.Sprintf("Default events unsupported: %s", ev))
		case m.DefaultPermissions[perm] == "" && perm != "metadata":
			errs = append(errs, fmt.Sprintf("Default events %s need the %s permission", ev, perm))
		}
	}
	sort.Strings(errs)
	return errs
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

var (
	confirmTmpl = template.Must(template.New("confirm").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Create GitHub App for {{.Org}}</title></head>
<body>
<h1>Create GitHub App for {{.Org}}</h1>
<p>GitHub App name: <strong id="app-name">{{.Name}}</strong></p>
<form action="/organizations/{{.Org}}/settings/apps" method="post">
<input type="hidden" name="pending" value="{{.Pending}}">
<button type="submit">Create GitHub App for {{.Org}}</button>
</form>
</body></html>
`))
	errorTmpl = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invalid GitHub App manifest</title></head>
<body>
<h1>Invalid GitHub App manifest</h1>
<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>
</body></html>
`))
	createdTmpl = template.Must(template.New("created").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.}}</title></head>
<body><h1>Created the GitHub App {{.}}</h1></body></html>
`))
)

// newApp is the page a manifest is posted to.
func (w *site) newApp(rw http.ResponseWriter, r *http.Request) {
	org := r.PathValue("org")
	if err := r.ParseForm(); err != nil {
		w.refuse(rw, r, http.StatusBadRequest, []string{"unreadable form: " + err.Error()})
		return
	}
	post := ManifestPost{Org: org, State: r.URL.Query().Get("state"), Manifest: r.PostForm.Get("manifest")}
	w.mu.Lock()
	w.posts = append(w.posts, post)
	w.mu.Unlock()

	w.s.mu.Lock()
	known := w.s.st.orgs[strings.ToLower(org)] != nil
	w.s.mu.Unlock()
	if !known {
		w.refuse(rw, r, http.StatusNotFound, []string{"no organisation " + org})
		return
	}
	if errs := checkManifest(post.Manifest); len(errs) > 0 {
		w.refuse(rw, r, http.StatusUnprocessableEntity, errs)
		return
	}
	var m manifestParams
	_ = json.Unmarshal([]byte(post.Manifest), &m) // checkManifest decoded it.
	w.mu.Lock()
	w.next++
	id := strconv.Itoa(w.next)
	w.pending[id] = post
	w.mu.Unlock()
	render(rw, http.StatusOK, confirmTmpl, map[string]string{"Org": org, "Name": *m.Name, "Pending": id})
}

// createApp is the confirmation page's button: it creates the code and
// sends the browser back to the manifest's redirect_url.
func (w *site) createApp(rw http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		w.refuse(rw, r, http.StatusBadRequest, []string{"unreadable form: " + err.Error()})
		return
	}
	w.mu.Lock()
	id := r.PostForm.Get("pending")
	post, ok := w.pending[id]
	delete(w.pending, id)
	drop := w.dropState
	w.mu.Unlock()
	if !ok || !strings.EqualFold(post.Org, r.PathValue("org")) {
		w.refuse(rw, r, http.StatusNotFound, []string{"no app being created here: post the manifest again"})
		return
	}
	var m manifestParams
	_ = json.Unmarshal([]byte(post.Manifest), &m) // newApp checked it.
	code := "sim-manifest-code-" + id
	w.s.AddManifestCode(code)
	if m.RedirectURL == "" {
		render(rw, http.StatusOK, createdTmpl, *m.Name)
		return
	}
	u, err := url.Parse(m.RedirectURL)
	if err != nil {
		w.refuse(rw, r, http.StatusUnprocessableEntity, []string{"redirect_url: " + err.Error()})
		return
	}
	q := u.Query()
	q.Set("code", code)
	if post.State != "" && !drop {
		q.Set("state", post.State)
	}
	u.RawQuery = q.Encode()
	http.Redirect(rw, r, u.String(), http.StatusFound)
}

// unknown answers pages the simulator does not have; a test reaching one
// is a test (or setup) bug, so it is a violation.
func (w *site) unknown(rw http.ResponseWriter, r *http.Request) {
	w.refuse(rw, r, http.StatusNotFound, []string{"the simulator's github.com has no page " + r.Method + " " + r.URL.Path})
}

// refuse answers an error page and records it as a violation: GitHub
// would have refused the request too.
func (w *site) refuse(rw http.ResponseWriter, r *http.Request, status int, errs []string) {
	w.s.mu.Lock()
	w.s.violations = append(w.s.violations, fmt.Sprintf("web %s %s: %s", r.Method, r.URL.Path, strings.Join(errs, "; ")))
	w.s.mu.Unlock()
	render(rw, status, errorTmpl, errs)
}

func render(rw http.ResponseWriter, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = rw.Write(buf.Bytes())
}
