package turn

import "github.com/thanos-community/mentorbot/pkg/policy"

// ClockOf is the wait clock a repository's reviews policy sets (the wait,
// business days and their time zone). The reminders, the digest and the
// dashboard all measure with it, so that they say the same.
func ClockOf(r policy.Reviews) Clock {
	return Clock{Wait: r.Wait.D(), BusinessDays: r.BusinessDays, Location: r.Location()}
}

// PeopleOf is who the reviews policy names: machine users, and the
// reviewer pool with the mentee's mentors, who can end the reviewers' turn
// whatever their association with the repository.
func PeopleOf(r policy.Reviews, mentors []string) People {
	return People{Bots: r.Bots, Reviewers: append(append([]string(nil), r.Reviewers...), mentors...)}
}
