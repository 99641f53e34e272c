package mentees

import (
	"reflect"
	"testing"
)

func TestAssignedBy(t *testing.T) {
	const bot = "mentorbot[bot]"
	assign := func(who, actor string) AssignEvent { return AssignEvent{Assigned: true, Assignee: who, Actor: actor} }
	unassign := func(who, actor string) AssignEvent { return AssignEvent{Assignee: who, Actor: actor} }
	for _, tc := range []struct {
		name      string
		events    []AssignEvent
		assignees []string
		want      map[string]string
	}{
		{"the bot assigned", []AssignEvent{assign("alice", bot)}, []string{"alice"}, map[string]string{"alice": bot}},
		{"she assigned herself", []AssignEvent{assign("alice", "alice")}, []string{"alice"}, map[string]string{"alice": "alice"}},
		// A mentor assigned her again after the bot: the assignment is theirs.
		{"a person after the bot", []AssignEvent{assign("alice", bot), unassign("alice", "mentor"), assign("alice", "mentor")}, []string{"alice"}, map[string]string{"alice": "mentor"}},
		// No log entry (an assignment older than the log): nobody is known to
		// have made it, so it is not the bot's to take back.
		{"no event", nil, []string{"alice"}, map[string]string{}},
		{"case", []AssignEvent{assign("Alice", bot)}, []string{"alice"}, map[string]string{"alice": bot}},
		// Unassigned since: not an assignee any more.
		{"gone", []AssignEvent{assign("alice", bot), unassign("alice", bot)}, nil, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AssignedBy(tc.events, tc.assignees); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("AssignedBy = %v, want %v", got, tc.want)
			}
		})
	}
}
