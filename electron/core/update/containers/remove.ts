// The `remove` mode: the container is removed after the pull and not replaced (for containers
// something else recreates, such as a compose file run by cron). Nothing to undo.
import { engineMessage } from '../../engines/connect.js';
import { outcomeOf, type ContainerContext, type ContainerStrategy } from './target.js';

export function removeStrategy(ctx: ContainerContext): ContainerStrategy {
  return {
    id: 'remove',
    plan: async (target) => (target.recreate === 'remove' ? { kind: 'plan', plan: { target } } : { kind: 'pass' }),
    run: async ({ target }) => {
      target.onStep('remove');
      try {
        await ctx.docker.getContainer(target.info.Id).remove({ force: true, v: false });
        return outcomeOf(target.info, 'removed');
      } catch (err) {
        return outcomeOf(target.info, 'failed', engineMessage(err));
      }
    },
    recover: async () => null,
  };
}
