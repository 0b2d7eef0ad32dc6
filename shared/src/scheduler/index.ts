export { jobId } from './job-ids';
export { parseCron, type RecurringJob, RecurringPlanner } from './recurring-planner';
export {
  JOBS_TABLE,
  type JobToSchedule,
  type PendingJob,
  type RecurringSchedule,
  recurringJobFields,
  ScheduledJobs,
  scheduleJob,
} from './scheduled-jobs';
