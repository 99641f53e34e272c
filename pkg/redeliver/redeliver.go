// Package redeliver asks GitHub to send again the webhook deliveries that
// mentorbot missed: those GitHub recorded as failed (the process was down,
// its queue was full, the connection broke) and those it acknowledged but
// could not handle. GitHub never retries a delivery by itself, so without
// this an event that failed is simply gone.
package redeliver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Window is how far back GitHub keeps deliveries that can be redelivered.
const Window = 72 * time.Hour

// GitHub is the part of GitHub's API the redeliverer uses, with the app's
// credentials (a JWT, not an installation token).
type GitHub interface {
	// ListHookDeliveries lists the app's deliveries, newest first.
	ListHookDeliveries(ctx context.Context, opts *github.ListCursorOptions) ([]*github.HookDelivery, *github.Response, error)
	// RedeliverHookDelivery asks GitHub to send delivery id again.
	RedeliverHookDelivery(ctx context.Context, id int64) (*github.HookDelivery, *github.Response, error)
}

// Options configure a Redeliverer.
type Options struct {
	// Client returns the app client; called once per run.
	Client func() (GitHub, error)
	// Now is the clock GitHub's delivered_at is compared with.
	Now func() time.Time
	// HandlingFailed reports deliveries this process acknowledged (so GitHub
	// recorded them as successful) but whose handling failed; nil means none.
	HandlingFailed func(guid string) bool
	// Window bounds how old a delivery may be (default and maximum: Window).
	Window time.Duration
	// MaxPages bounds the listing (100 deliveries a page; default 20).
	MaxPages int
	// MaxRequests bounds redelivery requests per run (default 100); the rest
	// waits for the next run.
	MaxRequests int
	// Registerer receives mentorbot_redeliveries_total; nil means none.
	Registerer prometheus.Registerer
	// WaitForRoom, when set, is called before each redelivery request of a
	// pass and returns once the server can take one more delivery: a pass
	// that asks for many at once would otherwise fill the queue it is
	// recovering from, and a redelivery refused again is not asked for
	// twice.
	WaitForRoom func(ctx context.Context) error
}

// Redeliverer finds missed deliveries and requests each one's redelivery
// once. It is safe for concurrent use; runs are serialised.
type Redeliverer struct {
	opts    Options
	total   *prometheus.CounterVec
	mu      sync.Mutex
	asked   map[string]bool // GUIDs this process already asked for
	askedQ  []string
	maxKept int
}

// New returns a Redeliverer.
func New(o Options) *Redeliverer {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Window <= 0 || o.Window > Window {
		o.Window = Window
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 20
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = 100
	}
	r := &Redeliverer{
		opts: o,
		total: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_redeliveries_total",
			Help: "Webhook redeliveries requested from GitHub, by result (requested, error, given_up: already redelivered and still failed, handed_over: asked for at shutdown for a delivery acknowledged but not handled).",
		}, []string{"result"}),
		asked:   map[string]bool{},
		maxKept: 10000,
	}
	if o.Registerer != nil {
		o.Registerer.MustRegister(r.total)
	}
	for _, res := range []string{"requested", "error", "given_up", "handed_over"} {
		r.total.WithLabelValues(res)
	}
	return r
}

// Result counts what one run did.
type Result struct {
	Listed    int // deliveries read within the window
	Requested int // redeliveries GitHub accepted
	Errors    int // redelivery requests that failed
	GivenUp   int // deliveries already redelivered once that failed again
}

// attempts are the recorded attempts of one GUID, newest first.
type attempts []*github.HookDelivery

// Run lists the recent deliveries and requests the redelivery of each one
// that was missed, once.
func (r *Redeliverer) Run(ctx context.Context) (Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	log := zerolog.Ctx(ctx)
	var res Result
	gh, err := r.opts.Client()
	if err != nil {
		return res, fmt.Errorf("create app client: %w", err)
	}
	byGUID, order, err := r.list(ctx, gh, &res, nil)
	if err != nil {
		return res, err
	}
	for _, guid := range order {
		if res.Requested+res.Errors >= r.opts.MaxRequests {
			log.Warn().Int("max", r.opts.MaxRequests).Msg("redelivery limit of this run reached, the rest waits for the next run")
			break
		}
		as := byGUID[guid]
		newest := as[0]
		switch decide(as, r.opts.HandlingFailed) {
		case skip:
			continue
		case givenUp:
			if !r.asked[guid] {
				r.remember(guid)
				res.GivenUp++
				r.total.WithLabelValues("given_up").Inc()
				log.Warn().Str("github_delivery_id", guid).Str("event", newest.GetEvent()).Int("status", newest.GetStatusCode()).
					Msg("delivery failed again after its redelivery, not asking a second time")
			}
			continue
		}
		if r.asked[guid] {
			continue
		}
		if r.opts.WaitForRoom != nil {
			if err := r.opts.WaitForRoom(ctx); err != nil {
				return res, err
			}
		}
		r.remember(guid)
		if _, _, err := gh.RedeliverHookDelivery(ctx, newest.GetID()); err != nil && !isAccepted(err) {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Errors++
			r.total.WithLabelValues("error").Inc()
			log.Error().Err(err).Str("github_delivery_id", guid).Int64("hook_delivery_id", newest.GetID()).
				Msg("redelivery request failed, will not ask again for this delivery")
			continue
		}
		res.Requested++
		r.total.WithLabelValues("requested").Inc()
		log.Info().Str("github_delivery_id", guid).Int64("hook_delivery_id", newest.GetID()).
			Str("event", newest.GetEvent()).Str("action", newest.GetAction()).Int("status", newest.GetStatusCode()).
			Msg("missed delivery, redelivery requested")
	}
	if res.Requested+res.Errors+res.GivenUp > 0 {
		log.Info().Int("listed", res.Listed).Int("requested", res.Requested).Int("errors", res.Errors).
			Int("given_up", res.GivenUp).Msg("redelivery run done")
	}
	return res, nil
}

// HandOver asks GitHub to send again each delivery in guids: deliveries
// this process acknowledged but will not handle because it is shutting
// down. The redelivery reaches another replica, or, with none up, fails and
// is asked for once more by the next process (see decide). Result.Requested
// counts the deliveries GitHub accepted; a GUID not found in GitHub's log
// counts nowhere.
func (r *Redeliverer) HandOver(ctx context.Context, guids []string) (Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	log := zerolog.Ctx(ctx)
	var res Result
	if len(guids) == 0 {
		return res, nil
	}
	gh, err := r.opts.Client()
	if err != nil {
		return res, fmt.Errorf("create app client: %w", err)
	}
	// The deliveries are minutes old: stop listing once all are found
	// (their newest attempt comes first), which keeps the hand-over short.
	byGUID, _, err := r.list(ctx, gh, &res, func(seen map[string]attempts) bool {
		for _, g := range guids {
			if _, ok := seen[g]; !ok {
				return false
			}
		}
		return true
	})
	if err != nil {
		return res, err
	}
	var errs []error
	for _, guid := range guids {
		as, ok := byGUID[guid]
		if !ok {
			log.Error().Str("github_delivery_id", guid).Msg("delivery to hand over is not in GitHub's delivery log")
			continue
		}
		r.remember(guid)
		if _, _, err := gh.RedeliverHookDelivery(ctx, as[0].GetID()); err != nil && !isAccepted(err) {
			res.Errors++
			r.total.WithLabelValues("error").Inc()
			errs = append(errs, fmt.Errorf("redeliver %s: %w", guid, err))
			continue
		}
		res.Requested++
		r.total.WithLabelValues("handed_over").Inc()
		log.Info().Str("github_delivery_id", guid).Int64("hook_delivery_id", as[0].GetID()).Msg("delivery handed over: redelivery requested")
	}
	return res, errors.Join(errs...)
}

// list reads the deliveries within the window, grouped by GUID, with the
// GUIDs oldest first (so the oldest missed event is redelivered first). It
// stops after a page when done (if not nil) says it has seen enough.
func (r *Redeliverer) list(ctx context.Context, gh GitHub, res *Result, done func(map[string]attempts) bool) (map[string]attempts, []string, error) {
	since := r.opts.Now().Add(-r.opts.Window)
	byGUID := map[string]attempts{}
	var order []string
	opt := &github.ListCursorOptions{PerPage: 100}
	for page := 0; page < r.opts.MaxPages; page++ {
		ds, resp, err := gh.ListHookDeliveries(ctx, opt)
		if err != nil {
			return nil, nil, fmt.Errorf("list webhook deliveries: %w", err)
		}
		old := false
		for _, d := range ds {
			if d.DeliveredAt != nil && d.DeliveredAt.Time.Before(since) {
				old = true // newest first: everything after is older still
				break
			}
			res.Listed++
			g := d.GetGUID()
			if _, ok := byGUID[g]; !ok {
				order = append(order, g)
			}
			byGUID[g] = append(byGUID[g], d)
		}
		if old || resp == nil || resp.Cursor == "" || len(ds) == 0 || done != nil && done(byGUID) {
			break
		}
		opt.Cursor = resp.Cursor
	}
	for _, as := range byGUID {
		sort.SliceStable(as, func(i, j int) bool { return as[i].GetID() > as[j].GetID() })
	}
	// Listed newest first; redeliver oldest first.
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	return byGUID, order, nil
}

type verdict int

const (
	skip verdict = iota
	redeliver
	givenUp
)

// decide says what to do about one GUID's attempts (newest first). A GUID
// is missed when its newest attempt failed, or when it was acknowledged here
// but its handling failed. A missed delivery is redelivered once; one whose
// first attempt was acknowledged and whose newest failed was handed over at
// shutdown to no one listening, so it gets one redelivery more. Past that
// it is given up.
func decide(as attempts, handlingFailed func(string) bool) verdict {
	ok := func(a *github.HookDelivery) bool { c := a.GetStatusCode(); return c >= 200 && c < 300 }
	redeliveries := 0
	for _, a := range as {
		if a.GetRedelivery() {
			redeliveries++
		}
	}
	newest, first := as[0], as[len(as)-1]
	missed := !ok(newest) || handlingFailed != nil && handlingFailed(newest.GetGUID())
	allowed := 1
	if ok(first) && !ok(newest) {
		allowed = 2
	}
	switch {
	case !missed:
		return skip
	case redeliveries >= allowed:
		return givenUp
	default:
		return redeliver
	}
}

func (r *Redeliverer) remember(guid string) {
	if len(r.askedQ) >= r.maxKept {
		delete(r.asked, r.askedQ[0])
		r.askedQ = r.askedQ[1:]
	}
	r.asked[guid] = true
	r.askedQ = append(r.askedQ, guid)
}

// isAccepted reports GitHub's 202 answer, which go-github returns as an
// *AcceptedError: the redelivery is queued on GitHub's side.
func isAccepted(err error) bool {
	var ae *github.AcceptedError
	return errors.As(err, &ae)
}
