package mentees

import (
	"strings"
)

// AssignEvent is an "assigned" or "unassigned" entry of an issue's event
// log, as plain data.
type AssignEvent struct {
	Assigned bool // false: unassigned
	Assignee string
	Actor    string
}

// AssignedBy returns who made each current assignment, from the issue's
// event log: the actor of the latest "assigned" event of each assignee (the
// log is in order; an unassignment clears it). `/mentee-task cancel` takes
// back only what the bot did: an assignment a person made, or made again
// after the bot, is theirs and stays.
func AssignedBy(events []AssignEvent, assignees []string) map[string]string {
	by := map[string]string{}
	for _, ev := range events {
		k := strings.ToLower(ev.Assignee)
		if ev.Assigned {
			by[k] = ev.Actor
		} else {
			delete(by, k)
		}
	}
	out := map[string]string{}
	for _, a := range assignees {
		if actor, ok := by[strings.ToLower(a)]; ok {
			out[a] = actor
		}
	}
	return out
}
