package dashboard

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the dashboard's figures on /metrics, set by every dashboard
// update. Labels are the programme and the group of PRs ("mentee" or
// "other"), never a PR or a login, so cardinality stays a handful of series
// per programme.
type Metrics struct {
	firstResponse *prometheus.GaugeVec
	merge         *prometheus.GaugeVec
	prs           *prometheus.GaugeVec
	waiting       *prometheus.GaugeVec
	reminders     *prometheus.GaugeVec
}

// NewMetrics registers the dashboard's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		firstResponse: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mentorbot_programme_first_response_seconds",
			Help: "Time to first human, non-author response of the term's PRs (CHAOSS Time to First Response), by programme, group (mentee or other) and statistic (median, p90).",
		}, []string{"programme", "group", "statistic"}),
		merge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mentorbot_programme_time_to_merge_seconds",
			Help: "Median time from opening to merge of the term's merged PRs, by programme and group (mentee or other).",
		}, []string{"programme", "group"}),
		prs: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mentorbot_programme_prs",
			Help: "PRs opened in the term in the repositories mentees contributed to, by programme and group (mentee or other).",
		}, []string{"programme", "group"}),
		waiting: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mentorbot_programme_mentee_prs_without_response",
			Help: "Open mentee PRs that nobody but the author has responded to yet, by programme.",
		}, []string{"programme"}),
		reminders: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mentorbot_programme_reminders",
			Help: "Review-wait reminders on the term's mentee PRs, by programme and outcome (answered within reviews.wait, or not).",
		}, []string{"programme", "outcome"}),
	}
	reg.MustRegister(m.firstResponse, m.merge, m.prs, m.waiting, m.reminders)
	return m
}

// Observe sets the figures of one programme.
func (m *Metrics) Observe(programme string, prog Programme, f Figures) {
	if m == nil {
		return
	}
	for group, s := range map[string]Summary{"mentee": f.MenteeFirst, "other": f.OthersFirst} {
		if s.N == 0 {
			m.firstResponse.DeleteLabelValues(programme, group, "median")
			m.firstResponse.DeleteLabelValues(programme, group, "p90")
			continue
		}
		m.firstResponse.WithLabelValues(programme, group, "median").Set(s.Median.Seconds())
		m.firstResponse.WithLabelValues(programme, group, "p90").Set(s.P90.Seconds())
	}
	for group, s := range map[string]Summary{"mentee": f.MenteeMerge, "other": f.OthersMerge} {
		if s.N == 0 {
			m.merge.DeleteLabelValues(programme, group)
			continue
		}
		m.merge.WithLabelValues(programme, group).Set(s.Median.Seconds())
	}
	m.prs.WithLabelValues(programme, "mentee").Set(float64(f.MenteePRs))
	m.prs.WithLabelValues(programme, "other").Set(float64(f.OtherPRs))
	waiting := 0
	for _, row := range prog.Mentees {
		for _, pr := range row.OpenPRs {
			if !pr.Responded {
				waiting++
			}
		}
	}
	m.waiting.WithLabelValues(programme).Set(float64(waiting))
	m.reminders.WithLabelValues(programme, "answered").Set(float64(f.Answered))
	m.reminders.WithLabelValues(programme, "unanswered").Set(float64(f.Reminders - f.Answered))
}
