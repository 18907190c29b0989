// Entry of the helper thread that computes half of a run's convergence summary
// (src/sampling/summarizeThreads.ts holds both sides of the split).
import { serveSummaryThread } from './summarizeThreads';

serveSummaryThread();
