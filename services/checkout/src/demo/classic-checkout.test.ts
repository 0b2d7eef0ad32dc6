import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { classicInlineWork } from './classic-checkout';

describe("the classic checkout's inline work", () => {
  test("When it is read from the shop's registry, then every task has its wait, and they add up to the story's 8.8 s less the 0.8 s charge", () => {
    const work = classicInlineWork(SHOP_REGISTRY.tasks);

    expect(work.map(({ task }) => task)).toEqual(SHOP_REGISTRY.tasks.map(({ task }) => task));
    expect(work).toEqual(
      expect.arrayContaining([
        { task: 'email', ms: 2_000 },
        { task: 'receipt', ms: 3_000 },
        { task: 'inventory', ms: 2_000 },
        { task: 'analytics', ms: 1_000 },
      ]),
    );
    expect(work.reduce((sum, { ms }) => sum + ms, 0)).toBe(8_000);
  });

  test('When a task belongs to a service the manifest does not know (a test registry), then it waits nothing', () => {
    expect(classicInlineWork([{ service: 'loyalty', task: 'points' }])).toEqual([{ task: 'points', ms: 0 }]);
  });
});
