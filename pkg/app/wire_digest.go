package app

import "github.com/thanos-community/mentorbot/pkg/digest"

// wireDigest adds the digest jobs: the weekly digest and programme-end
// sweep (`mentorbot digest`, and hourly inside `serve`), and the
// `/mentorbot digest` preview. Both share one search pacer per installation.
func (a *App) wireDigest(js *jobSet) {
	d := &digest.Sweep{Pacers: a.pacers, Peers: a.programmePeers}
	js.sweeps["digest"] = append(js.sweeps["digest"], programmeWide{"digest", d})
	js.commands = append(js.commands, d)
}
