package app

import "github.com/thanos-community/mentorbot/pkg/dashboard"

// wireDashboard adds the programme dashboard, last in the digest sweep so
// that it shows the digests and learnings the sweep has just written. It
// shares the installations' search pacers with the digest.
func (a *App) wireDashboard(js *jobSet) {
	js.sweeps["digest"] = append(js.sweeps["digest"], programmeWide{"dashboard", dashboard.NewSweep(a.pacers, dashboard.NewMetrics(a.metrics.Registry))})
}
