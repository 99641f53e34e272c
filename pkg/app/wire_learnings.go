package app

import "github.com/thanos-community/mentorbot/pkg/learnings"

// wireLearnings adds the programme-end jobs: the sweep that plans the
// Mentees Meetup and rolls the retrospectives up into the learnings issue
// (with the digest sweep, after it has posted the retrospective templates),
// and the `/meetup present` and `/meetup withdraw` commands.
func (a *App) wireLearnings(js *jobSet) {
	js.sweeps["digest"] = append(js.sweeps["digest"], programmeWide{"learnings", learnings.NewSweep()})
	js.commands = append(js.commands, learnings.NewCommands())
}
