// The classification lives in lib/ so that http and services can map database errors without
// importing the store; store code keeps importing it from here.
export { isDatabaseUnavailable, isUniqueViolation } from "../lib/db-errors.js";
