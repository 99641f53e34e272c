package ghclient

import (
	"errors"
	"time"

	"github.com/google/go-github/v60/github"
)

// RateLimitReset reports whether err comes from a spent GitHub rate limit
// (primary or secondary), and when GitHub lets the caller in again. Sweeps
// use it to wait or to say when to retry, the webhook queue to ask for a
// redelivery only after the reset.
func RateLimitReset(err error) (time.Time, bool) {
	var rle *github.RateLimitError
	if errors.As(err, &rle) {
		return rle.Rate.Reset.Time, true
	}
	var are *github.AbuseRateLimitError
	if errors.As(err, &are) {
		return time.Now().Add(are.GetRetryAfter()), true
	}
	return time.Time{}, false
}
