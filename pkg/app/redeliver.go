package app

import (
	"context"
	"fmt"
	"time"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/redeliver"
)

// defaultRedeliverEvery is how often serve looks for missed deliveries
// after the run at start. GitHub keeps deliveries for three days; a short
// period keeps the delay of a missed event short, and one listing costs one
// request per hundred deliveries.
const defaultRedeliverEvery = 10 * time.Minute

func (a *App) newRedeliverer() *redeliver.Redeliverer {
	return redeliver.New(redeliver.Options{
		Client: func() (redeliver.GitHub, error) {
			c, err := a.clients.NewAppClient()
			if err != nil {
				return nil, err
			}
			return c.Apps, nil
		},
		Now: a.opts.Now,
		HandlingFailed: func(guid string) bool {
			srv := a.srv.Load()
			return srv != nil && srv.HandlingFailed(guid)
		},
		Registerer:  a.metrics.Registry,
		WaitForRoom: a.waitForRoom,
	})
}

// roomPoll is how often waitForRoom looks at the queue.
const roomPoll = 20 * time.Millisecond

// waitForRoom returns once the webhook queue has room for one more event
// (queued and running events fewer than the queue and the workers hold),
// or when ctx ends. Without a server (a command-line run) there is nothing
// to wait for.
func (a *App) waitForRoom(ctx context.Context) error {
	capacity := int64(a.cfg.Server.QueueSize + a.cfg.Server.Workers)
	for {
		srv := a.srv.Load()
		if srv == nil || srv.Pending() < capacity {
			return nil
		}
		if err := ghclient.SleepContext(ctx, roomPoll); err != nil {
			return err
		}
	}
}

// Redeliver runs one redelivery pass: it lists the app's recent webhook
// deliveries and asks GitHub to send again each one that failed or that
// this process acknowledged but could not handle, once each.
func (a *App) Redeliver(ctx context.Context) (redeliver.Result, error) {
	log := a.opts.Logger.With().Str("job", "redeliver").Logger()
	return a.redeliver.Run(log.WithContext(ctx))
}

// redeliverAtStart is the first pass, run as part of readiness (within the
// readiness check's deadline): a restarted bot asks for what it missed
// while it was down before it reports ready. A failure is logged and does
// not block readiness; the next readiness check tries again.
func (a *App) redeliverAtStart(ctx context.Context) {
	if a.redeliverStarted.Swap(true) {
		return
	}
	if _, err := a.Redeliver(ctx); err != nil {
		a.redeliverStarted.Store(false)
		a.opts.Logger.Warn().Err(err).Msg("redelivery of missed webhooks at start failed; the next readiness check retries")
	}
}

// runRedelivery repeats the redelivery pass every period until stop is
// done, and returns then.
func (a *App) runRedelivery(stop context.Context) {
	every := a.opts.RedeliverEvery
	if every < 0 {
		a.opts.Logger.Info().Msg("periodic redelivery of missed webhooks disabled")
		<-stop.Done()
		return
	}
	if every == 0 {
		every = defaultRedeliverEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop.Done():
			return
		case <-t.C:
		}
		if srv := a.srv.Load(); srv == nil || !srv.Ready() {
			continue
		}
		if _, err := a.Redeliver(stop); err != nil && stop.Err() == nil {
			a.opts.Logger.Error().Err(err).Msg("redelivery of missed webhooks failed; will retry at the next period")
		}
	}
}

// handOver asks GitHub to send again the deliveries this process
// acknowledged but could not handle before shutting down. Another replica
// handles them; with none up, the attempt fails and the next process's
// pass at start asks once more (see redeliver's handed-over rule).
func (a *App) handOver(ctx context.Context, guids []string) error {
	log := a.opts.Logger.With().Str("job", "handover").Logger()
	res, err := a.redeliver.HandOver(log.WithContext(ctx), guids)
	if err != nil {
		return err
	}
	if res.Requested != len(guids) {
		return fmt.Errorf("handed over %d of %d deliveries (%d errors, %d not found in GitHub's log)", res.Requested, len(guids), res.Errors, len(guids)-res.Requested-res.Errors)
	}
	return nil
}
