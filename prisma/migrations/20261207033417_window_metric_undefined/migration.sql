-- AlterTable
ALTER TABLE "WindowMetric" ADD COLUMN     "excluded" TEXT,
ALTER COLUMN "ne" DROP NOT NULL,
ALTER COLUMN "auc" DROP NOT NULL,
ALTER COLUMN "calibration" DROP NOT NULL;

-- Rows written before: a one-class window stored AUC and calibration as NaN and NE as a clipped, huge ratio.
UPDATE "WindowMetric" SET "ne" = NULL, "auc" = NULL, "excluded" = 'one_class' WHERE "auc" = 'NaN'::float8;
UPDATE "WindowMetric" SET "calibration" = NULL WHERE "calibration" = 'NaN'::float8;
