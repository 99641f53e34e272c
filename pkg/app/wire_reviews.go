package app

import "github.com/thanos-community/mentorbot/pkg/reviews"

// wireReviews adds the review-wait sweep ("mentorbot remind", and every
// schedule.remind_every inside serve).
func (a *App) wireReviews(js *jobSet) {
	js.sweeps["remind"] = append(js.sweeps["remind"], reviews.NewSweep())
}
