package githubsim

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. The zero value is usable: it gets app ID 1,
// slug "mentorbot", a freshly generated private key and the real clock.
type Options struct {
	// AppID is the GitHub App's ID, the "iss" of its JWTs.
	AppID int64
	// AppSlug names the app; its bot user is "<slug>[bot]".
	AppSlug string
	// PrivateKey is the app's private key (PEM, PKCS#1 or PKCS#8). The
	// server keeps only the public half, to verify JWTs. Empty means a new
	// key is generated; read it back with (*Server).PrivateKey.
	PrivateKey []byte

	// Now is the simulated clock: created_at/updated_at of everything the
	// server writes, search date qualifiers and webhook delivery times.
	// Default time.Now.
	Now func() time.Time
	// AuthNow is the clock for JWT iat/exp, token expiry and rate-limit
	// windows. It defaults to time.Now, not to Now, on purpose: clients
	// (ghinstallation, go-github) sign JWTs and wait for rate-limit resets
	// with the real clock, so tying these to a simulated clock that tests
	// move by days would reject every JWT and stall every client.
	AuthNow func() time.Time

	// CoreRateLimit and SearchRateLimit are the per-installation primary
	// rate limits (GitHub: 5000 requests per hour and 30 per minute).
	CoreRateLimit   int
	SearchRateLimit int
	// CoreRateWindow is how long a core rate-limit window lasts before it
	// resets (GitHub: an hour, the default); tests shorten it to see a
	// spent limit reset.
	CoreRateWindow time.Duration

	// Addr is the listen address; default "127.0.0.1:0".
	Addr string

	// Latency slows every API request down (see SetLatency).
	Latency Latency
}

// Fault is what SetFault's function asks the server to do to one request.
type Fault struct {
	// Status, when non-zero, is sent instead of handling the request,
	// with GitHub's JSON error shape.
	Status int
	// RetryAfter sets the Retry-After header (whole seconds).
	RetryAfter time.Duration
	// SecondaryRateLimit answers 403 with GitHub's secondary rate limit
	// body (and Retry-After when set).
	SecondaryRateLimit bool
	// Delay holds the response back this long (then the fault, or the
	// normal response when neither Status nor SecondaryRateLimit is set).
	Delay time.Duration
}

// Request is one request the server received, as recorded for tests.
type Request struct {
	Method string
	// Path is the escaped path, e.g. /repos/o/r/labels/GSoC%2FLFX.
	Path  string
	Query string
	// Route is the matching path template from operations.tsv and
	// OperationID its operationId; both empty when no operation matched.
	Route          string
	OperationID    string
	Status         int
	InstallationID int64
	Body           string
	Time           time.Time
}

// Server is the simulated GitHub API. All methods are safe for concurrent
// use.
type Server struct {
	opts     Options
	pub      *rsa.PublicKey
	privPEM  []byte
	ops      *opTable
	handlers map[string]handler
	ln       net.Listener
	http     *http.Server
	url      string
	done     chan struct{}
	lat      latency
	web      *site

	mu          sync.Mutex
	st          *state
	fault       func(r *http.Request, n int) *Fault
	attempts    map[string]int
	requests    []Request
	violations  []string
	tokens      map[string]*token
	rates       map[rateKey]*bucket
	manifest    map[string]bool
	hook        hookConfig
	deliveries  []*delivery
	nextDeliver int64
}

// New starts a simulator listening on Options.Addr. Close it when done.
func New(opts Options) (*Server, error) {
	if opts.AppID == 0 {
		opts.AppID = 1
	}
	if opts.AppSlug == "" {
		opts.AppSlug = "mentorbot"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AuthNow == nil {
		opts.AuthNow = time.Now
	}
	if opts.CoreRateLimit == 0 {
		opts.CoreRateLimit = 5000
	}
	if opts.CoreRateWindow == 0 {
		opts.CoreRateWindow = time.Hour
	}
	if opts.SearchRateLimit == 0 {
		opts.SearchRateLimit = 30
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if len(opts.PrivateKey) == 0 {
		key, err := GenerateKey()
		if err != nil {
			return nil, err
		}
		opts.PrivateKey = key
	}
	pub, err := parsePublicKey(opts.PrivateKey)
	if err != nil {
		return nil, err
	}
	ops, err := loadOperations()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	s := &Server{
		opts:     opts,
		pub:      pub,
		privPEM:  opts.PrivateKey,
		ops:      ops,
		ln:       ln,
		url:      "http://" + ln.Addr().String(),
		done:     make(chan struct{}),
		attempts: map[string]int{},
		tokens:   map[string]*token{},
		rates:    map[rateKey]*bucket{},
		manifest: map[string]bool{},
	}
	s.lat.cfg = opts.Latency
	s.st = newState(opts.AppSlug)
	s.handlers = s.routes()
	for id := range s.handlers {
		if !ops.hasID(id) {
			_ = ln.Close()
			return nil, fmt.Errorf("handler for %q, which is not an operation in operations.tsv", id)
		}
	}
	if s.web, err = startSite(s, opts.Addr); err != nil {
		_ = ln.Close()
		return nil, err
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.http.Serve(ln) // Always returns an error; ErrServerClosed after Close.
	}()
	return s, nil
}

// TB is the part of testing.TB that NewTest uses. It is an interface of its
// own so that the demo, which links this package into the mentorbot binary,
// does not link the testing package too.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// NewTest starts a simulator for a test. At cleanup it closes the server and
// reports every violation (a request GitHub would not accept) as a test error.
func NewTest(t TB, opts Options) *Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("start github simulator: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close github simulator: %v", err)
		}
		for _, v := range s.Violations() {
			t.Errorf("github simulator: %s", v)
		}
	})
	return s
}

// URL is the server's base URL with a trailing slash, e.g.
// "http://127.0.0.1:1234/": the v3 API URL to give go-githubapp as is (and
// URL()+"graphql" the v4 one, which the simulator does not implement).
func (s *Server) URL() string { return s.url + "/" }

// PrivateKey returns the app's private key PEM.
func (s *Server) PrivateKey() []byte { return append([]byte(nil), s.privPEM...) }

// AppID returns the app's ID.
func (s *Server) AppID() int64 { return s.opts.AppID }

// BotLogin returns the login of the app's bot user, "<slug>[bot]".
func (s *Server) BotLogin() string { return s.opts.AppSlug + "[bot]" }

// Close stops the server.
func (s *Server) Close() error {
	err := s.http.Close()
	<-s.done
	return errors.Join(err, s.web.close())
}

// Violations lists every request the server received that GitHub would have
// refused as not part of its API: unknown operations, operations the
// simulator does not implement, and bodies the description does not define.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the recorded requests (not the violations).
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// SetFault installs f, called for every request before it is handled with
// n = how many times this method and path have been requested, this one
// included (so n == 1 is the first attempt and n > 1 a retry). A nil result
// means no fault. SetFault(nil) removes it. f is called without the
// server's lock held, so it may call the server's methods.
func (s *Server) SetFault(f func(r *http.Request, n int) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// AddManifestCode registers a one-time code for
// POST /app-manifests/{code}/conversions, which then returns this app's ID,
// slug, key and the webhook secret set by SetWebhook.
func (s *Server) AddManifestCode(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.manifest[code] = true
}

func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Second) }

// authKind says which credentials an operation takes.
type authKind int

const (
	authInstallation authKind = iota // Authorization: token <installation token>
	authApp                          // Authorization: Bearer <app JWT>
	authNone                         // no credentials needed
)

// handler implements one operation. fn runs with s.mu held unless unlocked
// is set, in which case it takes the lock itself (for handlers that call out
// over HTTP, such as webhook redelivery).
type handler struct {
	auth     authKind
	fn       func(c *call) reply
	unlocked bool
}

// call is one request on its way through a handler.
type call struct {
	s      *Server
	r      *http.Request
	op     operation
	params map[string]string
	query  url.Values
	body   []byte
	inst   *installation // set for installation-token requests
	app    bool          // authenticated as the app (JWT)
	link   string        // Link header, set by pagination helpers
}

// reply is what a handler answers; the server adds the common headers.
type reply struct {
	status      int
	body        any // JSON-encoded; nil means no body
	raw         []byte
	contentType string
	header      http.Header
	violation   string
}

// ServeHTTP answers one API request: fault injection, authentication,
// operation matching, rate limits, the handler, then ETag and common headers.
// New serves it on its own listener; links in responses use that address.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	path := r.URL.EscapedPath()
	s.lat.before(r)

	s.mu.Lock()
	key := r.Method + " " + path
	s.attempts[key]++
	n := s.attempts[key]
	faultFn := s.fault
	s.mu.Unlock()

	var fault *Fault
	if faultFn != nil {
		fault = faultFn(r, n)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if fault != nil && fault.Delay > 0 {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
		}
	}

	rec := Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Body: string(body)}
	if strings.HasPrefix(path, rawPrefix) && fault == nil {
		s.serveRaw(w, r, rec)
		return
	}

	s.mu.Lock()
	rec.Time = s.now()
	c := &call{s: s, r: r, query: r.URL.Query(), body: body}
	rp, bk := s.prepare(c, fault, &rec)
	if rp == nil {
		h := s.handlers[c.op.ID]
		if h.unlocked {
			s.mu.Unlock()
			out := h.fn(c)
			s.mu.Lock()
			rp = &out
		} else {
			out := h.fn(c)
			rp = &out
		}
	}
	if rp.violation != "" {
		s.violations = append(s.violations, fmt.Sprintf("%s %s: %s", r.Method, path, rp.violation))
	}
	status, payload, hdr := s.finish(c, rp, bk)
	rec.Status = status
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	s.lat.after(r)

	for k, vs := range hdr {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(status)
	if payload != nil && r.Method != http.MethodHead {
		_, _ = w.Write(payload)
	}
}

// prepare authenticates and routes c. A non-nil reply ends the request
// there; otherwise c.op names the handler to run. The returned bucket is the
// caller's rate-limit bucket, if any.
func (s *Server) prepare(c *call, fault *Fault, rec *Request) (*reply, *bucket) {
	r := c.r
	ident, authErr := s.authenticate(r)
	if ident.inst != nil {
		rec.InstallationID = ident.inst.id
		c.inst = ident.inst
	}
	c.app = ident.app

	op, params, found := s.ops.match(r.Method, r.URL.EscapedPath())
	if found {
		c.op, c.params = op, params
		rec.Route, rec.OperationID = op.Path, op.ID
	}
	bk := s.bucketFor(ident, resourceFor(c.op.Path))
	if fault != nil && (fault.Status != 0 || fault.SecondaryRateLimit) {
		rp := faultReply(fault)
		return &rp, bk
	}
	if authErr != nil {
		rp := errorReply(http.StatusUnauthorized, authErr.Error(), "https://docs.github.com/rest")
		return &rp, bk
	}
	if !found {
		rp := errorReply(http.StatusNotFound, "Not Found", "https://docs.github.com/rest")
		rp.violation = "no such operation in GitHub's REST API description"
		return &rp, bk
	}
	h, ok := s.handlers[op.ID]
	if !ok {
		rp := errorReply(http.StatusNotImplemented, "not implemented by the GitHub simulator: "+op.ID, "")
		rp.violation = fmt.Sprintf("operation %s (%s %s) is not implemented by the simulator", op.ID, op.Method, op.Path)
		return &rp, bk
	}
	switch h.auth {
	case authApp:
		if !ident.app {
			rp := errorReply(http.StatusUnauthorized, "A JSON web token could not be decoded", "https://docs.github.com/rest")
			return &rp, bk
		}
	case authInstallation:
		if ident.inst == nil {
			msg := "Requires authentication"
			if ident.app {
				msg = "A JSON web token is not accepted here: use an installation access token"
			}
			rp := errorReply(http.StatusUnauthorized, msg, "https://docs.github.com/rest")
			return &rp, bk
		}
	}
	if bk != nil && bk.remaining() <= 0 && op.ID != "rate-limit/get" {
		rp := errorReply(http.StatusForbidden, fmt.Sprintf("API rate limit exceeded for installation ID %d. If you reach out to GitHub Support for help, please include the request ID.", rec.InstallationID), "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api")
		return &rp, bk
	}
	return nil, bk
}

// finish encodes the reply and adds the headers GitHub sends on every
// response: rate limits, ETag (with 304 for a matching If-None-Match), Link.
func (s *Server) finish(c *call, rp *reply, bk *bucket) (int, []byte, http.Header) {
	hdr := http.Header{}
	for k, vs := range rp.header {
		hdr[k] = vs
	}
	status := rp.status
	var payload []byte
	switch {
	case rp.raw != nil:
		payload = rp.raw
		hdr.Set("Content-Type", rp.contentType)
	case rp.body != nil:
		b, err := json.Marshal(rp.body)
		if err != nil {
			status = http.StatusInternalServerError
			b = []byte(`{"message":"simulator could not encode the response"}`)
		}
		payload = b
		hdr.Set("Content-Type", "application/json; charset=utf-8")
	}
	if c.link != "" && status < 300 {
		hdr.Set("Link", c.link)
	}
	hdr.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	hdr.Set("X-GitHub-Media-Type", "github.v3; format=json")
	hdr.Set("X-GitHub-Request-Id", fmt.Sprintf("SIM:%d", len(s.requests)+1))

	notModified := false
	if (c.r.Method == http.MethodGet || c.r.Method == http.MethodHead) && status == http.StatusOK && payload != nil {
		sum := sha256.Sum256(payload)
		etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
		hdr.Set("ETag", etag)
		hdr.Set("Cache-Control", "private, max-age=60, s-maxage=60")
		hdr.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
		if etagMatches(c.r.Header.Get("If-None-Match"), etag) {
			notModified = true
			status = http.StatusNotModified
			payload = nil
			hdr.Del("Content-Type")
		}
	}
	if bk != nil {
		if !notModified && c.op.ID != "rate-limit/get" && status != http.StatusUnauthorized && bk.remaining() > 0 {
			bk.used++
		}
		bk.setHeaders(hdr)
	}
	return status, payload, hdr
}

func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	strip := func(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), "W/") }
	for _, h := range strings.Split(header, ",") {
		if strings.TrimSpace(h) == "*" || strip(h) == strip(etag) {
			return true
		}
	}
	return false
}

func faultReply(f *Fault) reply {
	var rp reply
	if f.SecondaryRateLimit {
		rp = errorReply(http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits")
	} else {
		rp = errorReply(f.Status, http.StatusText(f.Status), "https://docs.github.com/rest")
	}
	if f.RetryAfter > 0 {
		rp.header = http.Header{"Retry-After": {strconv.Itoa(int((f.RetryAfter + time.Second - 1) / time.Second))}}
	}
	return rp
}

// errorReply is GitHub's JSON error shape.
func errorReply(status int, msg, doc string) reply {
	body := map[string]any{"message": msg, "status": strconv.Itoa(status)}
	if doc != "" {
		body["documentation_url"] = doc
	}
	return reply{status: status, body: body}
}

func notFound() reply {
	return errorReply(http.StatusNotFound, "Not Found", "https://docs.github.com/rest")
}

// validationFailed is GitHub's 422 with an errors array.
func validationFailed(msg string, errs ...map[string]any) reply {
	if msg == "" {
		msg = "Validation Failed"
	}
	body := map[string]any{"message": msg, "documentation_url": "https://docs.github.com/rest", "status": "422"}
	if len(errs) > 0 {
		body["errors"] = errs
	}
	return reply{status: http.StatusUnprocessableEntity, body: body}
}

// badBody refuses a body the API description does not define, and records
// that as a violation: GitHub would have refused it too, or worse, ignored
// part of it.
func badBody(c *call, err error) reply {
	rp := validationFailed("Invalid request.\n\n" + err.Error())
	rp.violation = fmt.Sprintf("body not defined by %s: %v", c.op.ID, err)
	return rp
}

func ok(v any) reply      { return reply{status: http.StatusOK, body: v} }
func created(v any) reply { return reply{status: http.StatusCreated, body: v} }
func noContent() reply    { return reply{status: http.StatusNoContent} }

// decodeBody decodes c.body strictly into v: unknown fields and wrong types
// are refused, as the description defines every field. An empty body is
// allowed when optional.
func decodeBody(c *call, v any, optional bool) *reply {
	b := bytes.TrimSpace(c.body)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		if optional {
			return nil
		}
		rp := badBody(c, fmt.Errorf("a request body is required"))
		return &rp
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		rp := badBody(c, err)
		return &rp
	}
	if dec.More() {
		rp := badBody(c, fmt.Errorf("trailing data after the JSON body"))
		return &rp
	}
	return nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
