from celery import shared_task


@shared_task(name="assessment.generate_report")
def generate_report(report_id: int) -> str:
    from assessment.services import report_generate

    report = report_generate(report_id)
    return report.status
