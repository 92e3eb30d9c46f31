/** Pairwise precision and recall of a clustering against ground truth (same-work labels). */
export interface Labelled {
  predicted: string | number;
  truth: string;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

export function pairwiseScores(items: Labelled[]) {
  const sum = (counts: Map<string, number>) => [...counts.values()].reduce((total, n) => total + pairs(n), 0);
  const truePositive = sum(countBy(items, (i) => `${i.predicted}\u0000${i.truth}`));
  const predictedPairs = sum(countBy(items, (i) => String(i.predicted)));
  const truePairs = sum(countBy(items, (i) => i.truth));
  return {
    precision: predictedPairs === 0 ? 1 : truePositive / predictedPairs,
    recall: truePairs === 0 ? 1 : truePositive / truePairs,
    truePairs,
    predictedPairs,
    truePositive,
  };
}
