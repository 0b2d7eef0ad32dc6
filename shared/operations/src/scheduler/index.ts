export { jobId } from './job-ids';
export { type PlannerDatabase, parseCron, type RecurringJob, RecurringPlanner } from './recurring-planner';
export {
  countParkedJobs,
  JOBS_TABLE,
  type JobToSchedule,
  type ParkedJob,
  type PendingJob,
  type RecurringSchedule,
  recurringJobFields,
  ScheduledJobs,
  scheduleJob,
} from './scheduled-jobs';
