// Package dashboard computes a programme's responsiveness figures (CHAOSS's
// "Time to First Response" and time to merge, for mentee PRs next to the
// other PRs of the same repositories) and renders the one dashboard issue
// the bot keeps per programme. Everything here is pure: the sweeps gather
// plain data, this package turns it into figures and text.
package dashboard

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// ActivityKind is what happened on a pull request, as far as the first
// response is concerned.
type ActivityKind int

// The activity that starts, pauses or ends the first-response clock.
const (
	// Comment is a conversation comment, a review comment or a review.
	Comment ActivityKind = iota
	// Draft is "converted to draft": the clock pauses.
	Draft
	// Ready is "ready for review": the clock runs again.
	Ready
)

// Activity is one entry of a pull request's timeline.
type Activity struct {
	Kind  ActivityKind
	Actor string
	// Bot is set for bots and machine users (GitHub's type Bot, a [bot]
	// login, or the policy's reviews.bots list): they never respond.
	Bot bool
	At  time.Time
}

// FirstResponse is the time from opening to the first response by a human
// who is not the author: a comment, a review or a review comment, by
// anyone, as CHAOSS defines time to first response (the review-wait clock
// counts only people who can review). Time in draft does not count:
// a PR opened as a draft starts its clock when it is marked ready. ok is
// false when nobody has responded yet.
func FirstResponse(created time.Time, openedDraft bool, author string, timeline []Activity) (d time.Duration, ok bool) {
	acts := slices.Clone(timeline)
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].At.Before(acts[j].At) })
	running, since := !openedDraft, created
	for _, a := range acts {
		if a.At.Before(created) {
			continue
		}
		switch a.Kind {
		case Draft:
			if running {
				d += a.At.Sub(since)
				running = false
			}
		case Ready:
			if !running {
				running, since = true, a.At
			}
		case Comment:
			if a.Bot || strings.EqualFold(a.Actor, author) || strings.HasSuffix(strings.ToLower(a.Actor), "[bot]") {
				continue
			}
			if running {
				d += a.At.Sub(since)
			}
			return d, true
		}
	}
	return 0, false
}

// Summary is the distribution of a set of durations.
type Summary struct {
	N      int
	Median time.Duration
	P90    time.Duration
}

// Summarise returns the median and 90th percentile of ds (nearest rank, so
// both are durations that occurred).
func Summarise(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return Summary{N: len(s), Median: rank(s, 0.5), P90: rank(s, 0.9)}
}

// rank is the nearest-rank percentile of sorted s.
func rank(s []time.Duration, p float64) time.Duration {
	i := int(float64(len(s))*p+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}
